import type { DomainModule } from '../../schema/domain-module.ts';
import { alertRules, alertRulesTypeDefs, createAlertRule, deleteAlertRule, updateAlertRule } from './alert-rules-field.ts';
import { alerts, alertsTypeDefs } from './alerts-field.ts';
import { alertDeadLetters, alertDeliveries, deliveriesTypeDefs, resendAlertDeadLetter } from './deliveries-field.ts';
import { acknowledgeAlert, alertSilences, createAlertSilence, expireAlertSilence, silencesTypeDefs } from './silences-field.ts';

/** Alerts with their evidence, rules, deliveries and dead letters, silences and acknowledgements. */
export const alertsDomain: DomainModule = {
  name: 'alerts',
  typeDefs: [alertsTypeDefs, alertRulesTypeDefs, deliveriesTypeDefs, silencesTypeDefs].join('\n'),
  query: { alerts, alertRules, alertDeliveries, alertDeadLetters, alertSilences },
  mutation: { createAlertRule, updateAlertRule, deleteAlertRule, createAlertSilence, expireAlertSilence, acknowledgeAlert, resendAlertDeadLetter },
};

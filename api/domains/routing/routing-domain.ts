import type { DomainModule } from '../../schema/domain-module.ts';
import { liftRoutingOverride, overridesTypeDefs, routingOverrides, setRoutingOverride } from './overrides-field.ts';
import { providerScores, providerScoresTypeDefs } from './provider-scores-field.ts';
import { circuitReportsTypeDefs, reportCircuitTransitions } from './circuit-reports-field.ts';
import { routingWeights, routingWeightsTypeDefs } from './routing-weights-field.ts';

/** Routing decisions, CRAFT scores with history, operator overrides (the policy engine's output), and the collectors' circuit reports (its input). */
export const routingDomain: DomainModule = {
  name: 'routing',
  typeDefs: [routingWeightsTypeDefs, providerScoresTypeDefs, overridesTypeDefs, circuitReportsTypeDefs].join('\n'),
  query: { routingWeights, providerScores, routingOverrides },
  mutation: { setRoutingOverride, liftRoutingOverride, reportCircuitTransitions },
};

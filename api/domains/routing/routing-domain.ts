import type { DomainModule } from '../../schema/domain-module.ts';
import { liftRoutingOverride, overridesTypeDefs, routingOverrides, setRoutingOverride } from './overrides-field.ts';
import { providerScores, providerScoresTypeDefs } from './provider-scores-field.ts';
import { routingWeights, routingWeightsTypeDefs } from './routing-weights-field.ts';

/** Routing decisions, CRAFT scores with history, and operator overrides (the policy engine's output). */
export const routingDomain: DomainModule = {
  name: 'routing',
  typeDefs: [routingWeightsTypeDefs, providerScoresTypeDefs, overridesTypeDefs].join('\n'),
  query: { routingWeights, providerScores, routingOverrides },
  mutation: { setRoutingOverride, liftRoutingOverride },
};

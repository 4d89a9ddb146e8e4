import { z } from 'zod';
import { goodputLatencyBoundsMs, goodputTtftBoundsMs } from './goodput.ts';
import { routeKinds } from './route-profiles.ts';

const oneOf = (values: readonly number[], what: string) =>
  z.number().refine((v) => values.includes(v), `${what} must be one of the goodput bucket bounds ${values.join(', ')} (ms)`);

/** Per-route goodput SLO (ms); e.g. interactive: ttft_ms 1000 and latency_ms 10000; batch: latency_ms only. */
export const sloConfigSchema = z.strictObject({
  latency_ms: oneOf(goodputLatencyBoundsMs, 'latency_ms'),
  ttft_ms: oneOf(goodputTtftBoundsMs, 'ttft_ms').optional(),
});

const factorWeight = z.number().min(0).max(1);

/** Per-route CRAFT factor weights: a kind's defaults, any factor overridden. */
export const craftConfigSchema = z.strictObject({
  kind: z.enum(routeKinds).default('balanced'),
  weights: z
    .strictObject({ cost: factorWeight, reliability: factorWeight, availability: factorWeight, flexibility: factorWeight, trust: factorWeight })
    .partial()
    .default({}),
});

/** A deployment's contractual terms, for the Trust factor. Defaults say "unknown", never "trusted". */
export const trustConfigSchema = z.strictObject({
  data_usage: z.enum(['no_training', 'unknown', 'may_train']).default('unknown'),
  /** Attestations the provider holds for this deployment (soc2, iso27001, hipaa, gdpr-dpa…). */
  compliance: z.array(z.string().min(1)).default([]),
  /** Data stays in the deployment's region by contract. */
  residency_guaranteed: z.boolean().default(false),
});

export type SloConfig = z.infer<typeof sloConfigSchema>;
export type CraftConfig = z.infer<typeof craftConfigSchema>;
export type TrustConfig = z.infer<typeof trustConfigSchema>;

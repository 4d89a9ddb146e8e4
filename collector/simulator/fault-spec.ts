import { z } from 'zod';

const probability = z.number().min(0).max(1);

/** Faults injected into one simulated upstream. Every field is optional; absent means healthy. */
export const faultSpecSchema = z.strictObject({
  /** Probability per HTTP status that a request fails with it, e.g. { "429": 0.3, "500": 0.05 }. */
  errorRates: z.record(z.string().regex(/^[45]\d\d$/, 'must be an HTTP error status'), probability).optional(),
  /** Sent as Retry-After on 429 and 503 answers, seconds. */
  retryAfterSeconds: z.number().nonnegative().optional(),
  /** Time to first byte, ms: uniform between min and max, or log-normal through p50 and p99. */
  latencyMs: z
    .union([
      z.strictObject({ min: z.number().nonnegative(), max: z.number().nonnegative() }),
      z.strictObject({ p50: z.number().positive(), p99: z.number().positive() }),
    ])
    .optional(),
  /** Pause between streamed chunks, ms. */
  interTokenMs: z.number().nonnegative().optional(),
  /** Hard down: every request fails (503, or a connection reset with downMode "reset"). */
  down: z.boolean().optional(),
  downMode: z.enum(['status', 'reset']).optional(),
  /** Down between these offsets (ms) from when the faults were set. */
  outage: z.strictObject({ fromMs: z.number().nonnegative(), toMs: z.number().nonnegative() }).optional(),
  /** Flapping: up for upMs, then down for downMs, repeating from when the faults were set. */
  flap: z.strictObject({ upMs: z.number().positive(), downMs: z.number().positive() }).optional(),
  /** Probability that a request is never answered (until the client gives up). */
  hangRate: probability.optional(),
  /** Streams: the connection is cut after this many content chunks. */
  streamCutAfterChunks: z.number().int().nonnegative().optional(),
  /** Streams: after this many content chunks, a frame of garbage instead of JSON, then the rest. */
  streamCorruptAfterChunks: z.number().int().nonnegative().optional(),
});

export type FaultSpec = z.infer<typeof faultSpecSchema>;

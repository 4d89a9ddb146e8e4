import type { SpoolLimits } from './disk-spool.ts';

/** How much attempt-event emission may hold before it spills to disk, and how much the disk may hold. */
export interface EmissionLimits {
  /** Events in memory per transport; past it they move to the disk spool. */
  memoryEvents: number;
  spool: SpoolLimits;
}

/** The limits from the parsed environment (SWITCHYARD_EVENTS_MEMORY_MAX, SWITCHYARD_SPOOL_MAX_BYTES, SWITCHYARD_SPOOL_MAX_SEGMENTS). */
export function emissionLimitsFromEnv(env: {
  SWITCHYARD_EVENTS_MEMORY_MAX: number;
  SWITCHYARD_SPOOL_MAX_BYTES: number;
  SWITCHYARD_SPOOL_MAX_SEGMENTS: number;
}): EmissionLimits {
  return {
    memoryEvents: env.SWITCHYARD_EVENTS_MEMORY_MAX,
    spool: { maxBytes: env.SWITCHYARD_SPOOL_MAX_BYTES, maxSegments: env.SWITCHYARD_SPOOL_MAX_SEGMENTS },
  };
}

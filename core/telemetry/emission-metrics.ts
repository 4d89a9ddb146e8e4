import type { Meter } from '@opentelemetry/api';
import type { EmissionRefusal, EmissionStats } from '../transport/event-bus.ts';

/** Counts requests turned away; the gate in front of the collector calls it. */
export interface EmissionGate {
  /** The refusal to answer with (and counted), or null when events can be taken. */
  check(): EmissionRefusal | null;
}

/**
 * Emission on /metrics, read from the publisher's own counters at scrape time (so nothing is
 * counted twice): events published, delivered, spooled and dropped (goal 0), what waits in memory
 * and in the disk spool (events, segments, bytes, oldest age) and whether new requests are taken.
 * The only attribute is the transport, a fixed value — nothing from request headers.
 */
export function createEmissionMetrics(meter: Meter, stats: () => EmissionStats | null, now: () => number = Date.now): EmissionGate {
  const counter = (name: string, description: string, pick: (s: EmissionStats) => number) =>
    meter.createObservableCounter(name, { unit: '{event}', description }).addCallback((r) => {
      const s = stats();
      if (s) r.observe(pick(s), { 'switchyard.transport': s.transport });
    });
  const gauge = (name: string, unit: string, description: string, pick: (s: EmissionStats) => number | null) =>
    meter.createObservableGauge(name, { unit, description }).addCallback((r) => {
      const s = stats();
      const value = s ? pick(s) : null;
      if (s && value !== null) r.observe(value, { 'switchyard.transport': s.transport });
    });

  counter('switchyard.emission.published', 'Attempt events accepted by the publisher', (s) => s.published);
  counter('switchyard.emission.delivered', 'Attempt events the transport acknowledged (broker acks=all, or stored by the embedded ingest)', (s) => s.delivered);
  counter('switchyard.emission.spooled', 'Attempt events written to the disk spool', (s) => s.spooled);
  counter('switchyard.emission.dropped', 'Attempt events given up on; the goal is 0', (s) => s.dropped);
  gauge('switchyard.emission.in_memory', '{event}', 'Attempt events waiting in memory, the batch in flight included', (s) => s.inMemory);
  gauge('switchyard.emission.spool.events', '{event}', 'Attempt events waiting in the disk spool', (s) => s.spool?.events ?? null);
  gauge('switchyard.emission.spool.segments', '{segment}', 'Segment files in the disk spool', (s) => s.spool?.segments ?? null);
  gauge('switchyard.emission.spool.bytes', 'By', 'Bytes in the disk spool', (s) => s.spool?.bytes ?? null);
  gauge('switchyard.emission.spool.oldest_age_seconds', 's', 'Age of the oldest spooled segment (0 when the spool is empty)', (s) =>
    s.spool ? (s.spool.oldestAt === null ? 0 : Math.max(0, now() - s.spool.oldestAt) / 1000) : null,
  );
  gauge('switchyard.emission.accepting', '1', '1 while new requests are taken, 0 while the event spool is full and the collector answers 503', (s) =>
    s.refusal ? 0 : 1,
  );
  const refused = meter.createCounter('switchyard.emission.refused_requests', {
    unit: '{request}',
    description: 'Requests answered 503 because events could not be kept, by reason',
  });
  // Exported at 0 from the start: an alert rule on its rate must see a series before the first refusal.
  for (const reason of ['event_spool_full', 'event_buffer_full'] satisfies EmissionRefusal['code'][]) refused.add(0, { 'switchyard.reason': reason });

  return {
    check() {
      const refusal = stats()?.refusal ?? null;
      if (refusal) refused.add(1, { 'switchyard.reason': refusal.code });
      return refusal;
    },
  };
}

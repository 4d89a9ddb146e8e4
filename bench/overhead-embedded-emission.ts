// Whether the storage process of `switchyard all` keeps up, as the collector's ops /metrics tells it
// (the embedded transport's `switchyard_emission_*` counters).

/** Events the collector published and those ingest stored, the rest waiting in memory and in the disk spool; null where /metrics did not say. */
export interface EmissionSample {
  published: number | null;
  stored: number | null;
  in_memory: number | null;
  spooled_waiting: number | null;
}

/** The first sample of a Prometheus family (any labels) in an exposition text, or null. */
export function metricValue(text: string, name: string): number | null {
  const m = new RegExp(`^${name}(?:\\{[^}]*\\})?\\s+([\\d.e+]+)`, 'm').exec(text);
  return m ? Number(m[1]) : null;
}

/** Reads the emission counters from a Prometheus text (the collector's ops /metrics). */
export function emissionOf(text: string): EmissionSample {
  return {
    published: metricValue(text, 'switchyard_emission_published_total'),
    stored: metricValue(text, 'switchyard_emission_delivered_total'),
    in_memory: metricValue(text, 'switchyard_emission_in_memory'),
    spooled_waiting: metricValue(text, 'switchyard_emission_spool_events'),
  };
}

/** Published but not yet stored: the storage process's backlog, events (null when either counter is missing). */
export function backlogOf(s: EmissionSample): number | null {
  return s.published === null || s.stored === null ? null : s.published - s.stored;
}

/** The emission counters of a running `switchyard all` (all null when its ops server does not answer). */
export async function fetchEmission(opsUrl: string): Promise<EmissionSample> {
  const text = await fetch(`${opsUrl}/metrics`)
    .then((r) => r.text())
    .catch(() => '');
  return emissionOf(text);
}

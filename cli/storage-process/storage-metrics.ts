import type { Metrics } from '../../core/telemetry/metrics.ts';

/**
 * The collector's metrics followed by its storage process's (ingest, policy, API) on one
 * /metrics, as one process would serve them. A family both processes export (`target_info`)
 * keeps the collector's copy only: Prometheus refuses a family declared twice.
 */
export function withStorageMetrics(own: Metrics, storage: () => Promise<string>): Metrics {
  return {
    ...own,
    handle: (_request, response) => {
      void Promise.all([own.text(), storage()]).then(
        ([mine, theirs]) => response.writeHead(200, { 'content-type': 'text/plain' }).end(mergePrometheusText(mine, theirs)),
        (err: unknown) => response.writeHead(500, { 'content-type': 'text/plain' }).end(`# failed to export metrics: ${(err as Error).message}`),
      );
    },
  };
}

/** `first` then the families of `second` that `first` does not declare (a family runs from its `# HELP` to the next). */
export function mergePrometheusText(first: string, second: string): string {
  const declared = new Set([...first.matchAll(/^# (?:HELP|TYPE) (\S+)/gm)].map((m) => m[1]!));
  const kept: string[] = [];
  let keep = true;
  for (const line of second.split('\n')) {
    const family = /^# (?:HELP|TYPE) (\S+)/.exec(line)?.[1];
    if (family !== undefined) keep = !declared.has(family);
    if (keep && line !== '') kept.push(line);
  }
  return kept.length === 0 ? first : `${first.replace(/\n*$/, '\n')}${kept.join('\n')}\n`;
}

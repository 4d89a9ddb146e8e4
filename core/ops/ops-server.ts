import { createServer, type Server } from 'node:http';
import type { Metrics } from '../telemetry/metrics.ts';

export interface HealthReport {
  ok: boolean;
  checks: Record<string, unknown>;
}

/** What /readyz answers while a process is not ready yet (the storage process of `switchyard all` still starting). */
export const NOT_READY = {
  status: 'starting',
  waiting_for: 'the storage process (migrations, GraphQL API); requests are already served',
} as const;

const OPS_NOT_FOUND = JSON.stringify({
  error: 'not found: this ops port serves GET /metrics (Prometheus), /healthz (liveness) and /readyz (readiness)',
});

/**
 * `/metrics` (Prometheus), `/healthz` (liveness: 503 when a check fails) and `/readyz`
 * (readiness: 503 until `ready()` holds, then 200; always 200 without `ready`).
 */
export function createOpsServer(options: { metrics: Metrics; health: () => Promise<HealthReport>; ready?: () => boolean }): Server {
  return createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://ops').pathname;
    if (path === '/metrics') return options.metrics.handle(req, res);
    if (path === '/readyz') {
      const ready = options.ready?.() ?? true;
      return void res.writeHead(ready ? 200 : 503, { 'content-type': 'application/json' }).end(ready ? '{"status":"ready"}' : JSON.stringify(NOT_READY));
    }
    if (path === '/healthz') {
      options.health().then(
        (report) => res.writeHead(report.ok ? 200 : 503, { 'content-type': 'application/json' }).end(JSON.stringify(report)),
        (err: unknown) =>
          res.writeHead(503, { 'content-type': 'application/json' }).end(JSON.stringify({ ok: false, checks: { error: (err as Error).message } })),
      );
      return;
    }
    // An unknown path names what this port serves: a scrape or probe pointed at a typo says why.
    res.writeHead(404, { 'content-type': 'application/json' }).end(OPS_NOT_FOUND);
  });
}

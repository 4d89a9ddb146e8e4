import { createServer, type Server } from 'node:http';
import type { Metrics } from '../telemetry/metrics.ts';

export interface HealthReport {
  ok: boolean;
  checks: Record<string, unknown>;
}

/** `/metrics` (Prometheus), `/healthz` (liveness: 503 when a check fails) and `/readyz`. */
export function createOpsServer(options: { metrics: Metrics; health: () => Promise<HealthReport> }): Server {
  return createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://ops').pathname;
    if (path === '/metrics') return options.metrics.handle(req, res);
    if (path === '/readyz') return void res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"ready"}');
    if (path === '/healthz') {
      options.health().then(
        (report) => res.writeHead(report.ok ? 200 : 503, { 'content-type': 'application/json' }).end(JSON.stringify(report)),
        (err: unknown) =>
          res.writeHead(503, { 'content-type': 'application/json' }).end(JSON.stringify({ ok: false, checks: { error: (err as Error).message } })),
      );
      return;
    }
    res.writeHead(404).end();
  });
}

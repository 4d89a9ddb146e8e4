import type { IncomingMessage, ServerResponse } from 'node:http';
import { badInput, findApiError } from '../api-errors.ts';
import { answerError } from './answer-error.ts';
import { authorize } from '../auth/authorize.ts';
import type { Principal } from '../auth/roles.ts';
import { exportFocusToStream } from '../../finance/focus/focus-export.ts';
import { focusMetadata } from '../../finance/focus/focus-metadata.ts';
import { readFocusFormat, readFocusRequest } from '../../finance/focus/focus-request.ts';
import type { ClickHouseClient } from '../../core/clickhouse/client.ts';
import type { Clock } from '../../core/clock.ts';

const contentType = { csv: 'text/csv; charset=utf-8', parquet: 'application/vnd.apache.parquet' } as const;

export interface FocusRouteOptions {
  clickhouse: ClickHouseClient;
  embedded: boolean;
  clock: Clock;
  authenticate(req: IncomingMessage): Principal;
  log(message: string): void;
}

/**
 * `GET /exports/focus?from=…&to=…&format=csv|parquet&period=day|hour` (finance role, its teams
 * only) streams the FOCUS dataset as a download; `GET /exports/focus/metadata` its metadata.
 * Authentication and authorization are the API's own (bearer token, `authorize`).
 * Returns false for any other path.
 */
export function focusRoute(o: FocusRouteOptions): (req: IncomingMessage, res: ServerResponse) => boolean {
  return (req, res) => {
    const url = new URL(req.url ?? '/', 'http://api');
    if (url.pathname !== '/exports/focus' && url.pathname !== '/exports/focus/metadata') return false;
    void serve(o, url, req, res);
    return true;
  };
}

async function serve(o: FocusRouteOptions, url: URL, req: IncomingMessage, res: ServerResponse): Promise<void> {
  try {
    // HTTP requires a 405 to say which methods the resource takes (RFC 9110, 15.5.6); the body is the route's JSON error.
    if (req.method !== 'GET') return answerError(res, 405, { code: 'METHOD_NOT_ALLOWED', message: `use GET ${url.pathname}` }, { allow: 'GET' });
    const grant = authorize(o.authenticate(req), { roles: ['finance'] }, `GET ${url.pathname}`);
    const q = readParameters(url);
    if (url.pathname.endsWith('/metadata')) {
      const format = readFocusFormat(q.format);
      return void res
        .writeHead(200, { 'content-type': 'application/json' })
        .end(JSON.stringify(focusMetadata({ createdAtMs: o.clock.now(), format }), null, 2));
    }
    const request = { ...readFocusRequest({ from: q.from, to: q.to, format: q.format, period: q.period }), teams: grant.teams };
    const name = `focus-${q.from}-${q.to}.${request.format}`.replace(/[^A-Za-z0-9._-]/g, '_');
    res.writeHead(200, { 'content-type': contentType[request.format], 'content-disposition': `attachment; filename="${name}"` });
    await exportFocusToStream({ clickhouse: o.clickhouse, embedded: o.embedded }, request, res);
  } catch (err) {
    const known = findApiError(err);
    if (!known) o.log(`api: focus export failed: ${(err as Error).message}`);
    if (res.headersSent) return void res.destroy();
    const error = known
      ? { code: known.code, message: known.message, ...(known.argument ? { argument: known.argument } : {}) }
      : { code: 'INTERNAL_SERVER_ERROR', message: 'Unexpected error.' };
    answerError(res, known?.httpStatus ?? 500, error);
  }
}

/** The query parameters each path takes. */
const PARAMETERS: Record<string, readonly string[]> = {
  '/exports/focus': ['from', 'to', 'format', 'period'],
  '/exports/focus/metadata': ['format'],
};

/**
 * The request's query parameters, each given once and each one its path takes. A typo (`?form=`,
 * `?period=` on metadata) was ignored and the export made with defaults instead of what was
 * asked; a repeated one silently took its last value.
 * @throws ApiError BAD_USER_INPUT naming the parameter
 */
function readParameters(url: URL): Record<string, string | undefined> {
  const takes = PARAMETERS[url.pathname]!;
  const q: Record<string, string> = {};
  for (const [name, value] of url.searchParams) {
    if (!takes.includes(name)) throw badInput(name, `not a parameter of GET ${url.pathname}, which takes ${takes.join(', ')}`);
    if (name in q) throw badInput(name, 'given more than once');
    q[name] = value;
  }
  return q;
}

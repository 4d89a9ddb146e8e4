import { readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { answerError } from '../../api/http/answer-error.ts';

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);

/** The console's files: its own pages and the charting library, served from disk, never a CDN. */
const assets: Record<string, { file: string; type: string }> = {
  '/console/': { file: join(here, 'public', 'index.html'), type: 'text/html; charset=utf-8' },
  '/console/console.css': { file: join(here, 'public', 'console.css'), type: 'text/css; charset=utf-8' },
  '/console/console.js': { file: join(here, 'public', 'console.js'), type: 'text/javascript; charset=utf-8' },
  '/console/pages.js': { file: join(here, 'public', 'pages.js'), type: 'text/javascript; charset=utf-8' },
  '/console/ui.js': { file: join(here, 'public', 'ui.js'), type: 'text/javascript; charset=utf-8' },
  '/console/vendor/chart.umd.js': { file: join(dirname(require.resolve('chart.js')), 'chart.umd.js'), type: 'text/javascript; charset=utf-8' },
};

/**
 * An API route (see `ApiServiceOptions.routes`) serving the built-in console at `/console/`;
 * `/` and `/console` redirect there. The pages are static: the data comes from `/graphql` with
 * the caller's own token, so the console shows exactly what that token may read.
 * @returns true when it answered the request.
 */
export function consoleRoute(req: IncomingMessage, res: ServerResponse): boolean {
  const path = (req.url ?? '/').split('?')[0]!;
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    if (path !== '/console' && !path.startsWith('/console/')) return false;
    // HTTP requires a 405 to name the methods the resource takes (RFC 9110, 15.5.6); the body is
    // JSON like the API's other errors on this port.
    const message = `use GET ${path}: the console's pages are static, its data comes from POST /graphql`;
    answerError(res, 405, { code: 'METHOD_NOT_ALLOWED', message }, { allow: 'GET, HEAD' });
    return true;
  }
  if (path === '/' || path === '/console') {
    res.writeHead(302, { location: '/console/' }).end();
    return true;
  }
  const asset = assets[path];
  if (!asset) {
    if (!path.startsWith('/console/')) return false;
    res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end(`no console page at ${path}; open /console/\n`);
    return true;
  }
  // Read per request: small files, and an edited page shows on reload without a restart.
  const body = readFileSync(asset.file);
  res.writeHead(200, {
    'content-type': asset.type,
    'content-length': body.length,
    'cache-control': 'no-cache',
    // Everything the console loads comes from this origin; nothing inline, nothing remote.
    'content-security-policy': "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; connect-src 'self'",
    'x-content-type-options': 'nosniff',
  });
  res.end(req.method === 'HEAD' ? undefined : body);
  return true;
}

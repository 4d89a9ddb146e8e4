import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ClickHouseClient } from '../../core/clickhouse/client.ts';
import { focusRoute } from './focus-route.ts';

// Found by a fresh-user trial: POST /exports/focus answered 405 with an empty body, where every
// other 405 of the project names the method to use in a JSON error and an Allow header.
test('a method other than GET on the FOCUS routes is a 405 with Allow: GET and a JSON error naming the request to make', async () => {
  const route = focusRoute({
    clickhouse: {} as ClickHouseClient,
    embedded: true,
    clock: { now: () => 0 },
    authenticate: () => ({ id: 'finance', role: 'finance', teams: 'all' }),
    log: () => {},
  });
  const server = createServer((req, res) => void (route(req, res) || res.writeHead(404).end())).listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  try {
    const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    for (const [method, path] of [
      ['POST', '/exports/focus'],
      ['PUT', '/exports/focus/metadata'],
      ['DELETE', '/exports/focus?from=2026-11-01&to=2026-12-01'],
    ] as const) {
      const res = await fetch(`${origin}${path}`, { method });
      assert.equal(res.status, 405, `${method} ${path}`);
      assert.equal(res.headers.get('allow'), 'GET');
      assert.match(res.headers.get('content-type') ?? '', /^application\/json/);
      assert.deepEqual(await res.json(), { error: { code: 'METHOD_NOT_ALLOWED', message: `use GET ${path.split('?')[0]}` } });
    }
  } finally {
    server.close();
  }
});

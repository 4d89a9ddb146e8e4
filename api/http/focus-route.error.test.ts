import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ClickHouseClient } from '../../core/clickhouse/client.ts';
import { serveRoute } from '../../test/support/route-server.ts';
import { focusRoute } from './focus-route.ts';

/** The FOCUS routes alone on a loopback port, for a finance principal of every team. */
function serveFocus(clickhouse: ClickHouseClient): ReturnType<typeof serveRoute> {
  const route = focusRoute({
    clickhouse,
    embedded: true,
    clock: { now: () => 0 },
    authenticate: () => ({ id: 'finance', role: 'finance', teams: 'all' }),
    log: () => {},
  });
  return serveRoute(route);
}

// Found by a fresh-user trial: POST /exports/focus answered 405 with an empty body, where every
// other 405 of the project names the method to use in a JSON error and an Allow header.
test('a method other than GET on the FOCUS routes is a 405 with Allow: GET and a JSON error naming the request to make', async () => {
  const { origin, server } = await serveFocus({} as ClickHouseClient);
  try {
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

// Noticed in an earlier review: an unknown parameter (a typo such as `?form=parquet`) was ignored and
// the export made with the defaults, so the file was not what was asked for.
test('an unknown or repeated query parameter, or a bad metadata format, is a 400 naming it, before anything is exported', async () => {
  let queried = 0;
  const { origin, server } = await serveFocus(
    new Proxy({} as ClickHouseClient, {
      get: () => () => {
        queried++;
        throw new Error('the export must not start');
      },
    }),
  );
  try {
    for (const [path, argument, message] of [
      [
        '/exports/focus?from=2026-11-01&to=2026-12-01&form=parquet',
        'form',
        'form: not a parameter of GET /exports/focus, which takes from, to, format, period',
      ],
      ['/exports/focus?from=2026-11-01&to=2026-12-01&team=search', 'team', 'team: not a parameter of GET /exports/focus, which takes from, to, format, period'],
      ['/exports/focus?from=2026-11-01&to=2026-12-01&from=2026-10-01', 'from', 'from: given more than once'],
      ['/exports/focus/metadata?period=hour', 'period', 'period: not a parameter of GET /exports/focus/metadata, which takes format'],
      ['/exports/focus/metadata?format=json', 'format', 'format: csv or parquet, got "json"'],
    ] as const) {
      const res = await fetch(`${origin}${path}`);
      assert.equal(res.status, 400, path);
      assert.deepEqual(await res.json(), { error: { code: 'BAD_USER_INPUT', message, argument } }, path);
    }
    assert.equal(queried, 0);
    // The metadata's own parameter still works.
    const metadata = await fetch(`${origin}/exports/focus/metadata?format=parquet`);
    assert.equal(metadata.status, 200);
  } finally {
    server.close();
  }
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { serveRoute } from '../../test/support/route-server.ts';
import { consoleRoute } from './console-route.ts';

// Noticed in an earlier review: POST /console/ answered the API's 404 "not found", as if the page did not exist.
test('a method other than GET or HEAD on a console page is a 405 with Allow and a JSON error naming the request to make', async () => {
  const { origin: url, server } = await serveRoute(consoleRoute);
  try {
    for (const [method, path] of [
      ['POST', '/console/'],
      ['PUT', '/console/console.js'],
      ['DELETE', '/console'],
    ] as const) {
      const res = await fetch(`${url}${path}`, { method });
      assert.equal(res.status, 405, `${method} ${path}`);
      assert.equal(res.headers.get('allow'), 'GET, HEAD');
      const body = (await res.json()) as { error: { code: string; message: string } };
      assert.equal(body.error.code, 'METHOD_NOT_ALLOWED');
      assert.match(body.error.message, new RegExp(`^use GET ${path}:`));
    }
    // Not the console's: left to the API (its /graphql takes POST).
    const other = await fetch(`${url}/graphql`, { method: 'POST' });
    assert.equal(other.headers.get('x-not-route'), '1');
    // The pages themselves still load.
    const page = await fetch(`${url}/console/`);
    assert.equal(page.status, 200);
    assert.match(page.headers.get('content-type') ?? '', /text\/html/);
  } finally {
    server.close();
  }
});

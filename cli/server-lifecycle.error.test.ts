import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer as createHttpServer } from 'node:http';
import { createServer, type AddressInfo, type Server } from 'node:net';
import { ConfigError } from '../core/errors.ts';
import { assertPortsFree, listen } from './server-lifecycle.ts';

const occupy = () =>
  new Promise<Server>((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => resolve(s));
  });
const portOf = (s: Server) => (s.address() as AddressInfo).port;

// Found: a second `switchyard all` was told of one taken port per start (8080, then 9464, then 4000
// only after the storage process had opened chDB).
test('every taken port is named with its variable in one ConfigError; free ports and port 0 are not', async () => {
  const [collector, api] = await Promise.all([occupy(), occupy()]);
  const free = await occupy();
  const freePort = portOf(free);
  await new Promise((r) => free.close(r));
  try {
    await assert.rejects(
      assertPortsFree('127.0.0.1', [
        { port: portOf(collector), variable: 'SWITCHYARD_PORT' },
        { port: 0, variable: 'SWITCHYARD_SIMULATOR_PORT' },
        { port: portOf(api), variable: 'SWITCHYARD_API_PORT' },
        { port: freePort, variable: 'SWITCHYARD_OPS_PORT' },
      ]),
      (err: unknown) =>
        err instanceof ConfigError &&
        err.message ===
          `port ${portOf(collector)} (SWITCHYARD_PORT) and port ${portOf(api)} (SWITCHYARD_API_PORT) on 127.0.0.1 are already in use; choose others with those settings`,
    );
    // The check leaves the free port free; port 0 is never checked, nor counted twice.
    await assertPortsFree('127.0.0.1', [{ port: freePort, variable: 'SWITCHYARD_OPS_PORT' }]);
    await assertPortsFree('127.0.0.1', [
      { port: 0, variable: 'SWITCHYARD_PORT' },
      { port: 0, variable: 'SWITCHYARD_API_PORT' },
    ]);
  } finally {
    collector.close();
    api.close();
  }
});

test('two settings on one port are named together, not reported later as a port another program holds', async () => {
  const free = await occupy();
  const port = portOf(free);
  await new Promise((r) => free.close(r));
  await assert.rejects(
    assertPortsFree('127.0.0.1', [
      { port, variable: 'SWITCHYARD_PORT' },
      { port: 0, variable: 'SWITCHYARD_SIMULATOR_PORT' },
      { port, variable: 'SWITCHYARD_API_PORT' },
    ]),
    { name: 'ConfigError', message: `SWITCHYARD_PORT and SWITCHYARD_API_PORT both choose port ${port}; give each its own` },
  );
});

test('one taken port: the same one-line message as a failed listen', async () => {
  const taken = await occupy();
  const port = portOf(taken);
  const expected = `port ${port} on 127.0.0.1 is already in use; choose another with SWITCHYARD_OPS_PORT`;
  try {
    await assert.rejects(assertPortsFree('127.0.0.1', [{ port, variable: 'SWITCHYARD_OPS_PORT' }]), { name: 'ConfigError', message: expected });
    // The fallback when a port is taken between the check and the bind.
    const server = createHttpServer();
    await assert.rejects(listen(server, '127.0.0.1', port, 'SWITCHYARD_OPS_PORT'), { name: 'ConfigError', message: expected });
  } finally {
    taken.close();
  }
});

test('a host that is not an address of this machine is named as SWITCHYARD_HOST, not as a taken port', async () => {
  await assert.rejects(assertPortsFree('192.0.2.1', [{ port: 18080, variable: 'SWITCHYARD_PORT' }]), {
    name: 'ConfigError',
    message: /^cannot listen on "192\.0\.2\.1" \(EADDRNOTAVAIL\): not an address of this machine; choose another with SWITCHYARD_HOST$/,
  });
});

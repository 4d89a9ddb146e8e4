import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type AddressInfo, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from './support/cli-process.ts';

// A port already taken is a setting the user must change: one line naming the variable that
// chooses that port, exit 2, no stack trace — for each of the three ports `switchyard all` opens.
// Found: the API port taken in the storage process gave a stack trace and exit 1; the ops port
// taken named SWITCHYARD_PORT / SWITCHYARD_API_PORT instead of SWITCHYARD_OPS_PORT.

const occupy = () =>
  new Promise<Server>((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => resolve(s));
  });

for (const variable of ['SWITCHYARD_PORT', 'SWITCHYARD_API_PORT', 'SWITCHYARD_OPS_PORT'] as const) {
  test(`${variable} on a taken port: exit 2 and one line naming ${variable}`, async () => {
    const taken = await occupy();
    const port = (taken.address() as AddressInfo).port;
    const data = mkdtempSync(join(tmpdir(), 'switchyard-ports-'));
    try {
      const env = { SWITCHYARD_DATA: data, SWITCHYARD_PORT: '0', SWITCHYARD_API_PORT: '0', SWITCHYARD_OPS_PORT: '0', SWITCHYARD_CONFIG: '', KAFKA_BROKERS: '' };
      const run = await runCli(['all'], { ...env, [variable]: String(port) }, 180_000);
      assert.equal(run.code, 2, run.stderr);
      assert.match(run.stderr, new RegExp(`switchyard: port ${port} on 127\\.0\\.0\\.1 is already in use; choose another with ${variable}\\n`));
      assert.doesNotMatch(run.stderr, /\n\s+at /, 'no stack trace');
    } finally {
      taken.close();
      rmSync(data, { recursive: true, force: true });
    }
  });
}

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClickHouse } from '../core/clickhouse/client.ts';
import { startCli } from './support/cli-process.ts';
import { scalar } from './support/embedded-store.ts';

test('SIGTERM right after traffic: buffered events are flushed and stored, none lost', async () => {
  const data = mkdtempSync(join(tmpdir(), 'switchyard-shutdown-'));
  try {
    const app = await startCli(
      ['all'],
      { SWITCHYARD_DATA: data, SWITCHYARD_PORT: '0', SWITCHYARD_API_PORT: '0', KAFKA_BROKERS: '', SWITCHYARD_CONFIG: '' },
      /GraphQL:\s+http/,
    );
    const baseUrl = /OpenAI base URL: (\S+)/.exec(app.output())![1]!;
    const requests = 40;
    const statuses = await Promise.all(
      Array.from({ length: requests }, (_, i) =>
        fetch(`${baseUrl}/chat/completions`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: 'Bearer k' },
          body: JSON.stringify({ model: 'chat', messages: [{ role: 'user', content: `q${i}` }] }),
        }).then((r) => r.status),
      ),
    );
    assert.deepEqual(new Set(statuses), new Set([200]));
    app.child.kill('SIGTERM');
    assert.equal(await app.exited, 0, app.output());
    assert.match(app.output(), /stopped cleanly/);

    const client = createClickHouse({ kind: 'embedded', path: join(data, 'clickhouse') });
    try {
      assert.equal(Number(await scalar(client, 'SELECT countIf(is_final) FROM attempts FINAL')), requests);
      assert.equal(Number(await scalar(client, 'SELECT count() FROM attempts')), Number(await scalar(client, 'SELECT count() FROM attempts FINAL')));
    } finally {
      await client.close();
    }
  } finally {
    rmSync(data, { recursive: true, force: true });
  }
});

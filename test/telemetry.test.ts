import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startCli } from './support/cli-process.ts';

test('tracing switched on by OTEL_* variables with no collector listening: requests still work, shutdown is clean', async () => {
  const data = mkdtempSync(join(tmpdir(), 'switchyard-otel-'));
  try {
    const app = await startCli(
      ['all'],
      {
        SWITCHYARD_DATA: data,
        SWITCHYARD_PORT: '0',
        SWITCHYARD_API_PORT: '0',
        KAFKA_BROKERS: '',
        OTEL_TRACES_EXPORTER: 'otlp',
        OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:1',
        OTEL_BSP_SCHEDULE_DELAY: '100',
      },
      /GraphQL:\s+http/,
    );
    const baseUrl = /OpenAI base URL: (\S+)/.exec(app.output())![1]!;
    for (let i = 0; i < 5; i++) {
      const r = await fetch(`${baseUrl}/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'chat', messages: [{ role: 'user', content: 'hi' }] }),
      });
      assert.equal(r.status, 200);
    }
    // Let the batch processor try (and fail) to export at least once.
    await new Promise((r) => setTimeout(r, 500));
    app.child.kill('SIGTERM');
    assert.equal(await app.exited, 0, app.output());
  } finally {
    rmSync(data, { recursive: true, force: true });
  }
});

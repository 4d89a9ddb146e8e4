import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '../core/errors.ts';
import { startPipeline } from '../cli/pipeline.ts';

test('the API refuses to start on a non-loopback address without tokens, naming the fix', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'switchyard-api-startup-'));
  try {
    await assert.rejects(
      startPipeline({
        services: new Set(['api']),
        host: '0.0.0.0',
        collectorPort: 0,
        apiPort: 0,
        providerEnv: {},
        clickhouse: { kind: 'embedded', path: dir },
        weightsPollMs: 1000,
        policyIntervalMs: 1000,
        policyWindowMs: 1000,
        log: () => {},
      }),
      (err: unknown) => err instanceof ConfigError && /SWITCHYARD_API_TOKENS/.test(err.message) && /0\.0\.0\.0/.test(err.message),
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

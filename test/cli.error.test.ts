import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from './support/cli-process.ts';

const dir = mkdtempSync(join(tmpdir(), 'switchyard-cli-'));

test('a broken routes config stops startup with an error naming the key', async () => {
  const config = join(dir, 'routes.yaml');
  writeFileSync(
    config,
    'routes:\n  - name: chat\n    deployments:\n      - name: a\n        provider: openai\n        base_url: not a url\n        api_key_env: OPENAI_API_KEY\n        model: gpt-4o-mini\n        weight: -1\n',
  );
  const run = await runCli(['all'], { SWITCHYARD_CONFIG: config, SWITCHYARD_DATA: join(dir, 'data'), SWITCHYARD_PORT: '0', SWITCHYARD_API_PORT: '0' });
  assert.equal(run.code, 2);
  assert.match(run.stderr, /routes\.0\.deployments\.0\.base_url: /);
  assert.match(run.stderr, /routes\.0\.deployments\.0\.weight: /);
  assert.doesNotMatch(run.stderr, /\n\s+at /, 'a config error is a message, not a stack trace');
});

test('a deployment whose key variable is unset names the variable, not a value', async () => {
  const config = join(dir, 'routes.json');
  writeFileSync(
    config,
    JSON.stringify({
      routes: [
        {
          name: 'chat',
          deployments: [
            { name: 'a', provider: 'openai', base_url: 'https://api.openai.com/v1', api_key_env: 'SWITCHYARD_TEST_UNSET_KEY', model: 'gpt-4o-mini' },
          ],
        },
      ],
    }),
  );
  const run = await runCli(['all'], { SWITCHYARD_CONFIG: config, SWITCHYARD_DATA: join(dir, 'data2'), SWITCHYARD_PORT: '0', SWITCHYARD_API_PORT: '0' });
  assert.equal(run.code, 2);
  assert.match(run.stderr, /deployment "a": environment variable SWITCHYARD_TEST_UNSET_KEY is not set/);
  // Found before any storage process is started for nothing (its lines would precede the error).
  assert.doesNotMatch(run.stderr + run.stdout, /\[storage\]/);
});

test('a bad environment value is named', async () => {
  const run = await runCli(['all'], { SWITCHYARD_PORT: 'eighty', KAFKA_BROKERS: 'localhost' });
  assert.equal(run.code, 2);
  assert.match(run.stderr, /SWITCHYARD_PORT: /);
  assert.match(run.stderr, /KAFKA_BROKERS.*host:port/);
});

test('the collector alone without Kafka explains why it cannot hand over events', async () => {
  const run = await runCli(['collector'], { SWITCHYARD_PORT: '0', KAFKA_BROKERS: '' });
  assert.equal(run.code, 2);
  assert.match(run.stderr, /collector and ingest must run in the same process/);
});

test('an unknown command prints usage', async () => {
  const run = await runCli(['frobnicate'], {});
  assert.equal(run.code, 2);
  assert.match(run.stderr, /unknown command or service "frobnicate"/);
  assert.match(run.stderr, /usage: switchyard/);
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadRoutesConfig, parseRoutesConfig } from './routes-config.ts';
import { ConfigError } from '../../core/errors.ts';

const dir = mkdtempSync(join(tmpdir(), 'routes-config-'));
const write = (name: string, text: string) => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};

const yaml = `
routes:
  - name: chat
    deployments:
      - name: openai-a
        provider: openai
        base_url: https://api.openai.com/v1
        api_key_env: OPENAI_API_KEY
        model: gpt-4o-mini
        weight: 2
      - name: local
        provider: openai-compatible
        base_url: http://127.0.0.1:11434/v1
        api_key_env: OLLAMA_KEY
        model: llama3
        price: { input_per_mtok: 0, output_per_mtok: "0.05" }
retry:
  max_attempts: 4
`;

test('a YAML routes file loads with defaults filled in', () => {
  const config = loadRoutesConfig(write('routes.yaml', yaml));
  assert.equal(config.routes[0]!.deployments[0]!.weight, 2);
  assert.equal(config.routes[0]!.deployments[1]!.weight, 1);
  assert.equal(config.routes[0]!.deployments[1]!.price!.input_per_mtok, '0');
  assert.equal(config.retry.max_attempts, 4);
  assert.equal(config.retry.attempt_timeout_ms, 30_000);
});

test('JSON works too', () => {
  const config = loadRoutesConfig(
    write(
      'routes.json',
      JSON.stringify({
        routes: [{ name: 'r', deployments: [{ name: 'd', provider: 'gemini', base_url: 'https://g', api_key_env: 'G', model: 'gemini-2.0-flash' }] }],
      }),
    ),
  );
  assert.equal(config.routes[0]!.name, 'r');
});

test('a broken key is named by its path', () => {
  const broken = yaml.replace('weight: 2', 'weight: -2').replace('provider: openai\n', 'provider: openia\n');
  assert.throws(
    () => loadRoutesConfig(write('broken.yaml', broken)),
    (err: Error) => {
      assert.ok(err instanceof ConfigError);
      assert.match(err.message, /broken\.yaml is invalid/);
      assert.match(err.message, /routes\.0\.deployments\.0\.weight: /);
      assert.match(err.message, /routes\.0\.deployments\.0\.provider: /);
      return true;
    },
  );
});

test('unknown keys, duplicates and empty routes are rejected by name', () => {
  assert.throws(
    () =>
      parseRoutesConfig({
        routes: [{ name: 'r', deployments: [{ name: 'd', provider: 'openai', base_url: 'https://x', api_key_env: 'K', model: 'm', wieght: 3 }] }],
      }),
    /routes\.0\.deployments\.0: Unrecognized key: "wieght"/,
  );
  assert.throws(() => parseRoutesConfig({ routes: [{ name: 'r', deployments: [] }] }), /routes\.0\.deployments: a route needs at least one deployment/);
  const d = { name: 'd', provider: 'openai', base_url: 'https://x', api_key_env: 'K', model: 'm' };
  assert.throws(() => parseRoutesConfig({ routes: [{ name: 'r', deployments: [d, d] }] }), /routes\.0\.deployments\.1\.name: duplicate deployment "d"/);
  assert.throws(
    () => parseRoutesConfig({ routes: [{ name: 'r', deployments: [{ ...d, api_key_env: 'sk-live-123' }] }] }),
    /api_key_env: must be an environment variable name/,
  );
});

test('unreadable and unparsable files say so', () => {
  assert.throws(() => loadRoutesConfig(join(dir, 'missing.yaml')), /cannot read routes config .*missing\.yaml/);
  assert.throws(() => loadRoutesConfig(write('bad.json', '{ nope')), /bad\.json is not valid JSON/);
  assert.throws(() => loadRoutesConfig(write('bad.yaml', 'routes: [\n')), /bad\.yaml is not valid YAML/);
});

test('client keys: only a SHA-256 is accepted, and their routes must exist', () => {
  const routes = [{ name: 'chat', deployments: [{ name: 'd', provider: 'openai', base_url: 'https://x', api_key_env: 'K', model: 'm' }] }];
  assert.throws(
    () => parseRoutesConfig({ routes, keys: [{ id: 'k1', sha256: 'sk-live-plaintext-key' }] }),
    /keys\.0\.sha256: must be the lowercase hex SHA-256/,
  );
  assert.throws(
    () => parseRoutesConfig({ routes, keys: [{ id: 'k1', sha256: 'a'.repeat(64), routes: ['chta'] }] }),
    /keys\.0\.routes\.0: no route named "chta"/,
  );
  assert.throws(
    () =>
      parseRoutesConfig({
        routes,
        keys: [
          { id: 'k1', sha256: 'a'.repeat(64) },
          { id: 'k1', sha256: 'b'.repeat(64) },
        ],
      }),
    /keys\.1\.id: duplicate key id "k1"/,
  );
});

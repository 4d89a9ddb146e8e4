import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const script = fileURLToPath(new URL('../scripts/kafka.sh', import.meta.url));
const run = (args: string[], env: Record<string, string>) => spawnSync('/bin/bash', [script, ...args], { env: { ...env }, encoding: 'utf8' });

test('kafka.sh without Java on PATH says what to install', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kafka-script-'));
  const r = run(['up'], { PATH: join(dir, 'empty-bin'), KAFKA_DATA_DIR: join(dir, 'data'), KAFKA_PORT: '59092' });
  assert.equal(r.status, 1);
  assert.match(r.stderr, /java not found: install a Java 17 runtime/);
});

test('kafka.sh status and down are safe when no broker runs; bad verbs print usage', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kafka-script-'));
  const env = { PATH: process.env.PATH!, KAFKA_DATA_DIR: join(dir, 'data'), KAFKA_PORT: '59092' };
  assert.equal(run(['status'], env).status, 1);
  const down = run(['down'], env);
  assert.equal(down.status, 0);
  assert.match(down.stdout, /not running/);
  assert.match(run(['sideways'], env).stderr, /usage: scripts\/kafka.sh up\|down\|status/);
});

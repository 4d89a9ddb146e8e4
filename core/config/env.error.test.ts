import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError } from '../errors.ts';
import { parseEnv } from './env.ts';

test('SWITCHYARD_KAFKA_PRODUCER: thread by default, main on request, anything else refused naming the variable and the choices', () => {
  assert.equal(parseEnv({}).SWITCHYARD_KAFKA_PRODUCER, 'thread');
  assert.equal(parseEnv({ SWITCHYARD_KAFKA_PRODUCER: 'main' }).SWITCHYARD_KAFKA_PRODUCER, 'main');
  assert.throws(
    () => parseEnv({ SWITCHYARD_KAFKA_PRODUCER: 'worker' }),
    (err: Error) => err instanceof ConfigError && /SWITCHYARD_KAFKA_PRODUCER: .*"thread"\|"main"/.test(err.message),
  );
});

test('a variable set to the empty string counts as unset (found by a fresh-user trial: SWITCHYARD_PORT= listened on a random port)', () => {
  const env = parseEnv({ SWITCHYARD_PORT: '', SWITCHYARD_OPS_PORT: '', SWITCHYARD_HOST: '', SWITCHYARD_API_URL: '', KAFKA_BROKERS: '' });
  assert.equal(env.SWITCHYARD_PORT, 8080);
  assert.equal(env.SWITCHYARD_OPS_PORT, 9464);
  assert.equal(env.SWITCHYARD_HOST, '127.0.0.1');
  assert.equal(env.SWITCHYARD_API_URL, undefined);
  assert.equal(env.KAFKA_BROKERS, undefined);
});

test('a number variable set to text names what was set, not NaN', () => {
  assert.throws(
    () => parseEnv({ SWITCHYARD_PORT: 'abc' }),
    (err: Error) => err instanceof ConfigError && err.message.includes('SWITCHYARD_PORT: expected a number, got "abc"') && !err.message.includes('NaN'),
  );
  // Found by a fresh-user trial: two lines where the README promises one; every bad variable on it.
  assert.throws(() => parseEnv({ SWITCHYARD_PORT: 'abc', SWITCHYARD_API_PORT: '-1' }), {
    message: 'environment is invalid: SWITCHYARD_PORT: expected a number, got "abc"; SWITCHYARD_API_PORT: Too small: expected number to be >=0',
  });
  // Out of range stays zod's own wording, which already gives the bound.
  assert.throws(
    () => parseEnv({ SWITCHYARD_PORT: '70000' }),
    (err: Error) => err instanceof ConfigError && /SWITCHYARD_PORT: .*65535/.test(err.message),
  );
});

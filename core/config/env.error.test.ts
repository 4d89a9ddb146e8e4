import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError } from '../errors.ts';
import { parseEnv } from './env.ts';

test('SWITCHYARD_KAFKA_PRODUCER: thread by default, main on request, anything else refused naming the variable and the choices', () => {
  assert.equal(parseEnv({}).SWITCHYARD_KAFKA_PRODUCER, 'thread');
  assert.equal(parseEnv({ SWITCHYARD_KAFKA_PRODUCER: 'main' }).SWITCHYARD_KAFKA_PRODUCER, 'main');
  assert.throws(
    () => parseEnv({ SWITCHYARD_KAFKA_PRODUCER: 'worker' }),
    (err: Error) => err instanceof ConfigError && err.message === 'environment is invalid: SWITCHYARD_KAFKA_PRODUCER: one of thread, main, got "worker"',
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
    (err: Error) => err instanceof ConfigError && err.message.includes('SWITCHYARD_PORT: expected a decimal number, got "abc"') && !err.message.includes('NaN'),
  );
  // Found by a fresh-user trial: two lines where the README promises one; every bad variable on it.
  assert.throws(() => parseEnv({ SWITCHYARD_PORT: 'abc', SWITCHYARD_API_PORT: '-1' }), {
    message: 'environment is invalid: SWITCHYARD_PORT: expected a decimal number, got "abc"; SWITCHYARD_API_PORT: must be at least 0, got "-1"',
  });
});

// Found by a fresh-user trial: zod's own wording ("Too small: expected number to be >=0",
// "Invalid input: expected int, received number" for 1.5) neither quoted what was set nor read as a rule.
test('a number variable out of range, not whole or not decimal, or an enum variable off its list, names the rule in words and what was set', () => {
  const cases: Array<[Record<string, string>, string]> = [
    [{ SWITCHYARD_PORT: '70000' }, 'SWITCHYARD_PORT: must be at most 65535, got "70000"'],
    [{ SWITCHYARD_PORT: '1.5' }, 'SWITCHYARD_PORT: must be a whole number, got "1.5"'],
    [{ SWITCHYARD_INGEST_STALL_MS: '0' }, 'SWITCHYARD_INGEST_STALL_MS: must be greater than 0, got "0"'],
    [{ SWITCHYARD_INGEST_MAX_ROWS: '2000000' }, 'SWITCHYARD_INGEST_MAX_ROWS: must be at most 1000000, got "2000000"'],
    // Found by a fresh-user trial: Number() read these, and SWITCHYARD_PORT=0x10 listened on port 16.
    [{ SWITCHYARD_PORT: '0x10' }, 'SWITCHYARD_PORT: expected a decimal number, got "0x10"'],
    [{ SWITCHYARD_PORT: '1e3' }, 'SWITCHYARD_PORT: expected a decimal number, got "1e3"'],
    [{ SWITCHYARD_OPS_PORT: ' 9464' }, 'SWITCHYARD_OPS_PORT: expected a decimal number, got " 9464"'],
    [{ SWITCHYARD_STORAGE_PROCESS: 'thread' }, 'SWITCHYARD_STORAGE_PROCESS: one of child, inline, same, got "thread"'],
    // A bound the schema words itself keeps its words.
    [{ SWITCHYARD_SPOOL_MAX_BYTES: '5' }, 'SWITCHYARD_SPOOL_MAX_BYTES: at least 1 MiB (1048576), got "5"'],
  ];
  for (const [env, expected] of cases) assert.throws(() => parseEnv(env), { message: `environment is invalid: ${expected}` }); // Decimal digits still read as before.
  const env = parseEnv({ SWITCHYARD_PORT: '46080', SWITCHYARD_RAW_TTL_DAYS: '30', SWITCHYARD_SPOOL_MAX_BYTES: '1048576' });
  assert.deepEqual([env.SWITCHYARD_PORT, env.SWITCHYARD_RAW_TTL_DAYS, env.SWITCHYARD_SPOOL_MAX_BYTES], [46080, 30, 1048576]);
});

test('a variable that is not a number is never quoted back, whatever is wrong with it', () => {
  assert.throws(
    () => parseEnv({ CLICKHOUSE_URL: 's3cret password' }),
    (err: Error) => err instanceof ConfigError && err.message.startsWith('environment is invalid: CLICKHOUSE_URL') && !err.message.includes('s3cret'),
  );
  assert.throws(
    () => parseEnv({ SWITCHYARD_COLLECTOR_ID: 'has spaces s3cret' }),
    (err: Error) => err instanceof ConfigError && err.message.includes('SWITCHYARD_COLLECTOR_ID') && !err.message.includes('s3cret'),
  );
});

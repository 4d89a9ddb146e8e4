import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataDirBusyError, lockDataDir } from './data-dir-lock.ts';

const fresh = () => mkdtempSync(join(tmpdir(), 'switchyard-lock-'));

test('the lock file holds our pid and goes away on release', () => {
  const dir = fresh();
  const lock = lockDataDir(dir);
  assert.equal(readFileSync(lock.file, 'utf8').trim(), String(process.pid));
  lock.release();
  assert.equal(existsSync(lock.file), false);
  lockDataDir(dir).release();
});

test('a live holder: the error names the directory, the pid and what to do', () => {
  const dir = fresh();
  writeFileSync(join(dir, 'switchyard.pid'), '4242\n');
  assert.throws(
    () => lockDataDir(dir, (pid) => pid === 4242),
    (err: unknown) =>
      err instanceof DataDirBusyError &&
      err.pid === 4242 &&
      err.message.includes(`holds the data directory ${dir}`) &&
      /pid 4242/.test(err.message) &&
      /SWITCHYARD_DATA/.test(err.message) &&
      /running service/.test(err.message),
  );
});

test('a holder that advertised its API: a command that can ask it names the request; one that cannot keeps the general advice', () => {
  const dir = fresh();
  const holder = lockDataDir(dir);
  holder.advertiseApi('http://127.0.0.1:4123');
  // Held by another live process (this one would count as its own holder).
  writeFileSync(join(dir, 'switchyard.pid'), '4242\n');
  const ask = (api: string) => `GET ${api}/exports/focus`;
  assert.throws(
    () => lockDataDir(dir, (pid) => pid === 4242, ask),
    (err: unknown) => err instanceof DataDirBusyError && err.message.endsWith('or ask the running service: GET http://127.0.0.1:4123/exports/focus'),
  );
  assert.throws(
    () => lockDataDir(dir, (pid) => pid === 4242),
    (err: unknown) => err instanceof DataDirBusyError && /use the running service instead \(its GraphQL API/.test(err.message),
  );
  writeFileSync(join(dir, 'switchyard.pid'), `${process.pid}\n`);
  holder.release();
  assert.equal(existsSync(join(dir, 'switchyard.api')), false, 'the advertisement goes with the lock');
});

test("a dead holder's advertised API is not named: the lock is taken over and the stale address removed", () => {
  const dir = fresh();
  writeFileSync(join(dir, 'switchyard.pid'), '4242\n');
  writeFileSync(join(dir, 'switchyard.api'), 'http://127.0.0.1:4123\n');
  const lock = lockDataDir(
    dir,
    () => false,
    (api) => `GET ${api}`,
  );
  assert.equal(existsSync(join(dir, 'switchyard.api')), false);
  lock.release();
});

test('a dead holder (kill -9) is stale: the lock is taken over', () => {
  const dir = fresh();
  writeFileSync(join(dir, 'switchyard.pid'), '4242\n');
  const lock = lockDataDir(dir, () => false);
  assert.equal(readFileSync(lock.file, 'utf8').trim(), String(process.pid));
  lock.release();
});

test('a garbled lock file is stale too', () => {
  const dir = fresh();
  writeFileSync(join(dir, 'switchyard.pid'), 'not a pid');
  lockDataDir(dir, () => true).release();
});

// Found by a fresh-user trial: a start that failed on its configuration left an empty
// SWITCHYARD_DATA directory behind.
test('release removes the directories the lock created while they are empty, and nothing else', () => {
  const root = fresh();
  const nested = join(root, 'a', 'b');
  lockDataDir(nested).release();
  assert.equal(existsSync(join(root, 'a')), false, 'created and unused: removed up to the first one created');
  assert.equal(existsSync(root), true, 'there before: kept');

  const used = join(root, 'used');
  const lock = lockDataDir(used);
  writeFileSync(join(used, 'store.bin'), 'data');
  lock.release();
  assert.equal(readFileSync(join(used, 'store.bin'), 'utf8'), 'data', 'holds data: kept as it is');

  const existing = fresh();
  lockDataDir(existing).release();
  assert.equal(existsSync(existing), true, 'existed before the lock, empty or not: kept');
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError } from '../core/errors.ts';
import { writingOutFile } from './out-file.ts';

const fail = (err: unknown) => () => Promise.reject(err);

test('a failure of the file itself becomes one line naming the flag; anything else passes through', async () => {
  const chdb = Object.assign(new Error('Cannot write to file /x.csv, errno: 28, strerror: No space left on device: While executing File.\n  more'), {
    type: 'CANNOT_WRITE_TO_FILE_DESCRIPTOR',
  });
  await assert.rejects(writingOutFile('--out', '/x.csv', fail(chdb)), (err: Error) => {
    assert.ok(err instanceof ConfigError);
    assert.equal(
      err.message,
      '--out "/x.csv": writing failed (Cannot write to file /x.csv, errno: 28, strerror: No space left on device: While executing File. (CANNOT_WRITE_TO_FILE_DESCRIPTOR))',
    );
    return true;
  });
  const quota = Object.assign(new Error("EDQUOT: disk quota exceeded, write '/x.csv'"), { code: 'EDQUOT', syscall: 'write' });
  await assert.rejects(writingOutFile('--out', '/x.csv', fail(quota)), {
    name: 'ConfigError',
    message: '--out "/x.csv": writing failed (EDQUOT: disk quota exceeded)',
  });
  const network = Object.assign(new Error('socket hang up'), { code: 'ECONNRESET', syscall: 'read' });
  await assert.rejects(writingOutFile('--out', '/x.csv', fail(network)), (err) => err === network);
  const query = Object.assign(new Error('Unknown table'), { type: 'UNKNOWN_TABLE' });
  await assert.rejects(writingOutFile('--out', '/x.csv', fail(query)), (err) => err === query);
});

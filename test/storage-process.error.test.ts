import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { StorageSupervisor, StorageUnavailableError } from '../cli/storage-process/storage-supervisor.ts';

test(
  'a storage process that cannot start fails the start with its reason, and a waiting batch is refused, not lost silently',
  { timeout: 120_000 },
  async () => {
    const dir = mkdtempSync(join(tmpdir(), 'switchyard-storage-process-error-'));
    // chDB cannot create its store under a regular file.
    const blocked = join(dir, 'not-a-directory');
    writeFileSync(blocked, 'x');
    const logs: string[] = [];
    const supervisor = new StorageSupervisor({
      source: 'in-process:test',
      env: { SWITCHYARD_DATA: blocked, SWITCHYARD_API_PORT: '0', SWITCHYARD_CONFIG: '' },
      log: (m) => logs.push(m),
    });
    try {
      const waiting = supervisor.deliver([{ key: null, value: '{}', partition: 0, offset: '0' }]);
      await assert.rejects(supervisor.start(), /storage process exited before it was ready \(code 1\)/);
      await assert.rejects(waiting, StorageUnavailableError);
      assert.deepEqual(logs, [], 'a failed first start is the caller’s error, not a restart loop');
    } finally {
      await supervisor.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  },
);

// Found by the Ctrl-C-during-start-up test: a terminal's SIGINT sent in the instant the child is
// forked (still in the collector's process group) stays pending across exec and kills it while it
// loads, failing the whole start. One such death is retried; a second is the start's error.
for (const times of [1, 2]) {
  test(
    `a storage process killed by a signal while starting ${times === 1 ? 'once is started again' : 'twice fails the start'}`,
    { timeout: 60_000 },
    async () => {
      const dir = mkdtempSync(join(tmpdir(), 'switchyard-storage-killed-'));
      const logs: string[] = [];
      const supervisor = new StorageSupervisor({
        source: 'in-process:test',
        entry: fileURLToPath(new URL('./support/storage-child-killed-once.mjs', import.meta.url)),
        env: { KILLED_DIR: dir, KILLED_TIMES: String(times) },
        log: (m) => logs.push(m),
      });
      try {
        if (times === 1) {
          await supervisor.start();
          assert.deepEqual(logs, ['storage process killed by SIGINT while starting; starting it again']);
        } else await assert.rejects(supervisor.start(), /storage process exited before it was ready \(SIGINT\)/);
      } finally {
        await supervisor.stop();
        rmSync(dir, { recursive: true, force: true });
      }
    },
  );
}

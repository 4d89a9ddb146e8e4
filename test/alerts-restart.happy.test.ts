import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { freshEmbeddedStore } from './support/embedded-store.ts';
import { startSlackLikeReceiver } from './support/slack-like-receiver.ts';

const run = promisify(execFile);
const SCRIPT = fileURLToPath(new URL('./support/alerts-policy-process.ts', import.meta.url));
let receiver: Awaited<ReturnType<typeof startSlackLikeReceiver>>;
let path: string;

before(async () => {
  receiver = await startSlackLikeReceiver();
  // Migrate, then let go of the store: each policy process below opens it alone.
  const store = await freshEmbeddedStore();
  path = store.path;
  await store.client.close();
});
after(() => receiver.close());

/** One policy process life at `at`: restore, evaluate, flush 30 s later, exit. */
async function policyProcess(at: number): Promise<{ states: string[]; sent: string[] }> {
  const { stdout } = await run(process.execPath, ['--import', 'tsx', SCRIPT, path, String(at)], {
    env: { ...process.env, SLACK_URL: receiver.url('T/B/restart-secret') },
    timeout: 120_000,
  });
  return JSON.parse(stdout.trim().split('\n').at(-1)!) as { states: string[]; sent: string[] };
}

test('no duplicate notification after a restart of the policy process; the repeat still comes', async () => {
  const T = Date.UTC(2026, 10, 30, 9);
  assert.deepEqual(await policyProcess(T), { states: ['firing'], sent: ['new'] });
  assert.deepEqual(await policyProcess(T + 2 * 60_000), { states: ['firing'], sent: [] }, 'restarted: same content, nothing sent');
  assert.deepEqual(await policyProcess(T + 20 * 60_000), { states: ['firing'], sent: [] });
  assert.equal(receiver.delivered().length, 1);
  assert.deepEqual(await policyProcess(T + 61 * 60_000), { states: ['firing'], sent: ['repeat'] }, 'repeat_interval is counted across restarts');
  assert.equal(receiver.delivered().length, 2);
});

import { getHeapSpaceStatistics } from 'node:v8';
import { parseArgs } from 'node:util';
import { CancelController, type CancelSignal } from '../core/cancel.ts';

// Why the request path cancels with CancelController (core/cancel.ts) rather than AbortController:
// how much old-generation space short-lived cancellation handles leave behind. Each kind is created,
// given an `abort` listener and dropped, `--count` times, with young garbage churned in between (as
// requests churn it), and the old space's growth is summed. One JSON object:
//   npm run bench:cancel [-- --count 100000]

const { values } = parseArgs({ options: { count: { type: 'string', default: '100000' } } });
const COUNT = Number(values.count);
if (!Number.isInteger(COUNT) || COUNT <= 0) throw new Error(`--count must be a positive integer, got "${values.count}"`);

const oldSpaceBytes = () => getHeapSpaceStatistics().find((s) => s.space_name === 'old_space')!.space_used_size;
const listener = () => {};

/** Old-space growth (bytes, decreases from collections not subtracted) while making `COUNT` handles with `make`. */
function oldGrowth(make: () => { signal: CancelSignal }): number {
  let churn: object[] = [];
  let grown = 0;
  let last = oldSpaceBytes();
  for (let i = 0; i < COUNT; i++) {
    const { signal } = make();
    signal.addEventListener('abort', listener);
    signal.removeEventListener('abort', listener);
    // Young garbage between handles, as a request makes: the handle is unreachable long before the next scavenge.
    for (let j = 0; j < 200; j++) churn.push({ j });
    churn = churn.slice(-3);
    const now = oldSpaceBytes();
    if (now > last) grown += now - last;
    last = now;
  }
  return grown;
}

const mb = (bytes: number) => Math.round((bytes / 1048576) * 10) / 10;
const abortController = oldGrowth(() => new AbortController());
const cancelController = oldGrowth(() => new CancelController());
console.log(
  JSON.stringify({
    node: process.version,
    count: COUNT,
    old_space_growth_mb: { AbortController: mb(abortController), CancelController: mb(cancelController) },
    old_space_bytes_per_handle: { AbortController: Math.round(abortController / COUNT), CancelController: Math.round(cancelController / COUNT) },
  }),
);

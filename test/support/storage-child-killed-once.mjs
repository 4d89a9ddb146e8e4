// A stand-in storage process for test/storage-process.error.test.ts: killed by SIGINT while it
// loads as many times as KILLED_TIMES says (counted in files under KILLED_DIR), then ready, and
// gone when told to stop.
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import process from 'node:process';

const dir = process.env.KILLED_DIR;
const times = Number(process.env.KILLED_TIMES);
let n = 0;
while (existsSync(join(dir, `killed-${n}`))) n++;
if (n < times) {
  writeFileSync(join(dir, `killed-${n}`), '');
  process.kill(process.pid, 'SIGINT'); // no handler: the default, death by SIGINT
  await new Promise(() => {});
}
process.on('message', (m) => {
  if (m.t === 'stop') {
    process.send({ t: 'stopped', stored: 0 });
    process.disconnect();
  }
});
process.send({ t: 'ready', apiUrl: null });

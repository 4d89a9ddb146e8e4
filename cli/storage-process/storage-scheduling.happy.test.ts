import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { test } from 'node:test';
import { storageLaunch, usableChrt } from './storage-scheduling.ts';

test('with chrt, the child is node under chrt --idle 0 with the same node arguments; without, node itself', () => {
  assert.deepEqual(storageLaunch('/node', ['--import', 'tsx'], '/usr/bin/chrt'), {
    scheduling: 'idle',
    execPath: '/usr/bin/chrt',
    execArgv: ['--idle', '0', '/node', '--import', 'tsx'],
  });
  assert.deepEqual(storageLaunch('/node', ['--import', 'tsx'], null), { scheduling: 'nice', execPath: '/node', execArgv: ['--import', 'tsx'] });
});

test('a chrt that is missing or refuses is not used; a working one is', { skip: process.platform !== 'linux' && 'Linux only' }, () => {
  assert.equal(usableChrt(['/nonexistent/chrt']), null);
  // `false` exists but fails, as a chrt refused by a seccomp profile would.
  assert.equal(usableChrt(['/bin/false']), null);
  const real = ['/usr/bin/chrt', '/bin/chrt'].find((p) => existsSync(p));
  if (real) assert.equal(usableChrt([real]), real);
});

test('a process started as storageLaunch says runs under SCHED_IDLE (policy 5 in /proc/<pid>/stat)', { skip: !usableChrt() && 'no usable chrt here' }, () => {
  const launch = storageLaunch(process.execPath, [], usableChrt());
  const stat = execFileSync(launch.execPath, [...launch.execArgv, '-e', 'process.stdout.write(require("fs").readFileSync("/proc/self/stat", "utf8"))'], {
    encoding: 'utf8',
  });
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  assert.equal(fields[38], '5', 'field 41 (policy) is SCHED_IDLE');
});

import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { run, type RunResult } from './overhead-load.ts';
import { startServers, startSwitchyard, stopAll, writeRoutes } from './overhead-targets.ts';

// How the storage process's scheduling affects the collector's latency, on one `switchyard all`:
// between runs every thread of the running storage process is switched (chrt, renice) between
// niceness 5, niceness 19 and SCHED_IDLE, round-robin with the bare proxy, so neighbours' load
// drifts over all modes alike. Linux only, needs chrt and renice. Prints one JSON object.
//   node --import tsx bench/overhead-embedded-scheduling.ts --rate 1000 --seconds 4 --rounds 3

const { values } = parseArgs({
  options: {
    rate: { type: 'string', default: '1000' },
    seconds: { type: 'string', default: '4' },
    rounds: { type: 'string', default: '3' },
  },
});
const RATE = Number(values.rate);
const SECONDS = Number(values.seconds);
const MODES = ['nice5', 'nice19', 'idle', 'bare_proxy'] as const;

/** Puts every thread of `pid` in SCHED_IDLE, or in the normal class at a niceness. */
function schedule(pid: number, mode: (typeof MODES)[number]): void {
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    if (mode === 'idle') execFileSync('chrt', ['-i', '-p', '0', tid]);
    else {
      execFileSync('chrt', ['-o', '-p', '0', tid]);
      execFileSync('renice', ['-n', mode === 'nice5' ? '5' : '19', '-p', tid], { stdio: 'ignore' });
    }
  }
}

async function main(): Promise<void> {
  const { upstream, proxy } = await startServers();
  const t = await startSwitchyard({ command: 'all', routes: writeRoutes(upstream), env: {} });
  await t.ready;
  while (
    (await fetch(`${t.opsUrl}/readyz`)
      .then((r) => r.status)
      .catch(() => 0)) !== 200
  )
    await new Promise((r) => setTimeout(r, 200));
  const child = Number(readFileSync(`/proc/${t.pid}/task/${t.pid}/children`, 'utf8').trim().split(/\s+/)[0]);
  // Warm: the first contact with the rate is the collector's own transient (bench/overhead-timeline.ts).
  await run(t.endpoint, 100, 2);
  await run(t.endpoint, RATE, SECONDS);
  const rounds: Array<Record<string, Pick<RunResult, 'p50_us' | 'p99_us' | 'achieved_rps'>>> = [];
  for (let i = 0; i < Number(values.rounds); i++) {
    const round: (typeof rounds)[number] = {};
    for (const mode of MODES) {
      if (mode !== 'bare_proxy') schedule(child, mode);
      const r = await run(mode === 'bare_proxy' ? { url: `${proxy}/v1/chat/completions` } : t.endpoint, RATE, SECONDS);
      round[mode] = { p50_us: r.p50_us, p99_us: r.p99_us, achieved_rps: r.achieved_rps };
    }
    rounds.push(round);
  }
  console.log(JSON.stringify({ rate: RATE, seconds: SECONDS, rounds }));
}

try {
  await main();
} finally {
  await stopAll();
}
process.exit(0);

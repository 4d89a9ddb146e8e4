#!/usr/bin/env -S node --min-semi-space-size=16 --max-semi-space-size=32
import { setFlagsFromString } from 'node:v8';

// V8 optimizes a function once it has run ~3 × `--interrupt-budget` bytes of bytecode (default
// 66 KB). The request path is some hundreds of functions, so a collector that has served a few
// hundred requests still runs most of them unoptimized, and the first burst at 1,000 req/s
// spent ~40 % more CPU per request while TurboFan compiled ~650 functions in its first 3 s:
// overloaded, its clients opened hundreds of connections, which Node accepts one per event-loop
// turn (docs/performance.md, "The first seconds at a new rate"). An 8 KB budget makes V8 decide
// ~8× sooner, before the burst. Set before any of our code is compiled; a budget given on the
// command line (or NODE_OPTIONS) wins.
if (![...process.execArgv, ...(process.env.NODE_OPTIONS ?? '').split(/\s+/)].some((a) => a.startsWith('--interrupt-budget'))) {
  setFlagsFromString('--interrupt-budget=8192');
}

// The young generation (shebang, `npm start`, the Dockerfile: V8 reads it only at start-up, so it
// cannot be set here): V8 shrinks it to 1 MB while the process idles, and a burst after a pause of
// 10-30 s then ran with a scavenge every few requests: 0.8-0.85 ms of CPU per request instead of
// 0.7, overloaded at 1,000 req/s, p99 1.1-3.2 s in its first second; with 16-32 MB, 37-189 ms
// (bench/profiles/first-contact.md). The cost: up to 64 MB more reserved heap.

// The CLI runs the TypeScript sources directly through tsx, so there is no build step to forget.
const { register } = await import('tsx/esm/api');
register();
const { main } = await import('../cli/main.ts');
const code = await main(process.argv.slice(2));
// Exit explicitly: a client library's lingering timer must not keep a finished command alive.
process.exit(code);

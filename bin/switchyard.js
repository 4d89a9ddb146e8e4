#!/usr/bin/env node
import { setFlagsFromString } from 'node:v8';

// V8 optimizes a function once it has run ~3 × `--interrupt-budget` bytes of bytecode (default
// 66 KB). The request path is some hundreds of functions, so a collector that has served a few
// hundred requests still runs most of them unoptimized, and the first burst at 1,000 req/s
// spent ~40 % more CPU per request while TurboFan compiled ~650 functions in its first 3 s:
// overloaded, its clients opened hundreds of connections, which Node accepts one per event-loop
// turn (docs/performance.md, "The first seconds at a new rate"). An 8 KB budget makes V8 decide
// ~8× sooner, before the burst. Set before any of our code is compiled; a budget given on the
// command line wins (Node refuses it in NODE_OPTIONS).
if (!process.execArgv.some((a) => a.startsWith('--interrupt-budget'))) {
  setFlagsFromString('--interrupt-budget=8192');
}

// The CLI runs the TypeScript sources directly through tsx, so there is no build step to forget.
const { register } = await import('tsx/esm/api');
register();
const { main } = await import('../cli/main.ts');
const code = await main(process.argv.slice(2));
// Exit explicitly: a client library's lingering timer must not keep a finished command alive.
process.exit(code);

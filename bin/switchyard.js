#!/usr/bin/env -S node --min-semi-space-size=16
// --min-semi-space-size=16 (here, in `npm start` and in the Dockerfile, the launchers we ship):
// while a server idles, V8 shrinks its young generation to 1 MB, and the first second of load
// after a pause then ran 21–43 scavenges and a mark-compact instead of 1–6, promoting requests in
// flight (bench:overhead pauses ~30 s between rates; docs/performance.md, "The young generation
// after a pause"). A floor of 16 MB, Node's default ceiling, keeps it at its working size. V8
// sizes it only at start-up: setFlagsFromString below would be too late.
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

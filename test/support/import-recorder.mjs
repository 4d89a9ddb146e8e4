// Preload (`node --import ./test/support/import-recorder.mjs …`) that appends the URL of every
// module this process loads to the file named by SWITCHYARD_IMPORT_LOG, one per line. Only the
// process given the flag records: a forked child gets its own execArgv, not this preload.
// Used by test/storage-process-startup.happy.test.ts and bench/overhead-startup.ts to see which
// modules the collector process of `switchyard all` loads.
import { register } from 'node:module';
import process from 'node:process';

const file = process.env.SWITCHYARD_IMPORT_LOG;
if (file) register('./import-recorder-hooks.mjs', import.meta.url, { data: { file, pid: process.pid } });

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { CommanderError } from 'commander';
import { buildSchema, parse, validate } from 'graphql';
import { buildProgram } from '../cli/main.ts';
import { envSchema } from '../core/config/env.ts';
import { runCli } from './support/cli-process.ts';
import { readme, readmeBlocks } from './support/readme.ts';

// Every command line of every ```sh block in the README is checked here, so none goes stale:
// - `switchyard …` / `npx switchyard …`: parsed by the CLI's real parser (commands, flags, values);
//   help, version and `hash-key` lines are also run for real. Services, `simulate`, `drill`,
//   `migrate` and `reconcile` are parser-checked only: they run until stopped, need a broker or a
//   ClickHouse server (distributed mode), or are long — their behaviour has its own tests
//   (cli.*.test.ts, drill.test.ts, shutdown.test.ts, distributed.kafka.test.ts).
// - `npm …`: the script exists (`npm start` must stay `switchyard all`).
// - `bash scripts/kafka.sh X`: the script has an `X)` branch (scripts/kafka.sh is tested by
//   kafka-script.test.ts); `bash scripts/test.sh PATHS`: the paths exist.
// - `export A=…`, `A=… cmd`: A is a variable Switchyard reads (parsed with its schema), or a key
//   variable a README routes file names; `docker compose up`: docker-compose.yml exists;
//   `node F`: the README has a block titled F (test/package.happy.test.ts runs it).
// A line starting with anything else fails: add a checker rather than an untested command.

const ROOT = new URL('../', import.meta.url);
const pkg = JSON.parse(readFileSync(new URL('package.json', ROOT), 'utf8')) as { scripts: Record<string, string> };
const keyVars = new Set([...readme().matchAll(/api_key_env:\s*([A-Z0-9_]+)/g)].map((m) => m[1]!));

interface Checked {
  line: string;
  ranForReal: boolean;
}

/** Words of a simple command line; quotes kept simple (the README uses no nested quoting). */
function words(command: string): string[] {
  return [...command.matchAll(/"([^"]*)"|'([^']*)'|(\S+)/g)].map((m) => m[1] ?? m[2] ?? m[3]!);
}

async function checkSwitchyard(args: string[], line: string): Promise<boolean> {
  const program = buildProgram({ exitCode: 0, log: () => {} });
  program.configureOutput({ writeOut: () => {}, writeErr: () => {}, outputError: (text) => assert.fail(`README: \`${line}\`: ${text.trim()}`) });
  for (const command of program.commands) command.action(() => {});
  try {
    await program.parseAsync(args, { from: 'user' });
  } catch (err) {
    if (!(err instanceof CommanderError && err.exitCode === 0)) throw err;
  }
  const quick = args.includes('--help') || args.includes('-h') || args.includes('--version') || args[0] === 'hash-key';
  if (quick) {
    const run = await runCli(args, {}, 30_000);
    // hash-key without a key on stdin must say how to pipe one, which proves it ran.
    const ok = args[0] === 'hash-key' ? run.code === 2 && /pipe the client key on stdin/.test(run.stderr) : run.code === 0 && run.stdout.length > 0;
    assert.ok(ok, `README: \`${line}\` ran with ${run.code}: ${run.stderr}`);
  }
  return quick;
}

function checkAssignments(assignments: string[], line: string): void {
  const known = new Set(Object.keys(envSchema.shape));
  const env: Record<string, string> = {};
  for (const a of assignments) {
    const [name, value = ''] = a.split(/=(.*)/s) as [string, string?];
    assert.ok(known.has(name) || keyVars.has(name) || name.startsWith('OTEL_'), `README: \`${line}\`: ${name} is not a variable Switchyard reads`);
    if (known.has(name)) env[name] = value;
  }
  const parsed = envSchema.safeParse(env);
  assert.ok(parsed.success, `README: \`${line}\`: ${parsed.success ? '' : parsed.error.message}`);
}

/**
 * A curl to the API: the default API port and `/graphql`, and the query it posts, with shell
 * substitutions replaced by a date, valid against the committed schema.
 */
function checkCurl(args: string[], line: string): void {
  const url = args.find((a) => /^(https?:\/\/)?(localhost|127\.0\.0\.1):\d+\//.test(a));
  assert.ok(url?.endsWith(':4000/graphql'), `README: \`${line}\`: curl only to the API's /graphql on its default port 4000`);
  const data = line.match(/-d '(.*)'$/)?.[1];
  assert.ok(data, `README: \`${line}\`: no -d '…' body`);
  const body = JSON.parse(data.replace(/'\$\(date [^)]*\)'/g, '2026-11-01')) as { query: string };
  const errors = validate(buildSchema(readFileSync(new URL('api/schema/schema.graphql', ROOT), 'utf8')), parse(body.query));
  assert.deepEqual(
    errors.map((e) => e.message),
    [],
    `README: \`${line}\`: the query does not validate`,
  );
}

async function checkCommand(command: string, line: string): Promise<boolean> {
  let w = words(command);
  if (w[0] === 'export') return (checkAssignments(w.slice(1), line), false);
  const assignments: string[] = [];
  while (w[0] && /^[A-Z_][A-Z0-9_]*=/.test(w[0])) assignments.push(w.shift()!);
  if (assignments.length) checkAssignments(assignments, line);
  if (w[0] === 'npx') w = w.slice(1);
  const [head, ...rest] = w;
  switch (head) {
    case 'switchyard':
      return checkSwitchyard(rest, line);
    case 'npm': {
      const script = rest[0] === 'run' ? rest[1]! : rest[0]!;
      if (['install', 'pack', 'ci'].includes(script)) return false;
      assert.ok(pkg.scripts[script], `README: \`${line}\`: no npm script "${script}"`);
      // Node options may come first (the young-generation floor, test/collector-launchers.happy.test.ts).
      if (script === 'start') assert.match(pkg.scripts.start ?? '', /^exec node (--\S+ )*bin\/switchyard\.js all$/);
      return false;
    }
    case 'bash': {
      const [script, ...args] = rest;
      assert.ok(existsSync(new URL(script!, ROOT)), `README: \`${line}\`: ${script} does not exist`);
      if (script === 'scripts/kafka.sh') {
        assert.match(
          readFileSync(new URL(script, ROOT), 'utf8'),
          new RegExp(`^\\s*${args[0]}\\)`, 'm'),
          `README: \`${line}\`: ${script} has no "${args[0]}" command`,
        );
      } else {
        for (const path of args) assert.ok(existsSync(new URL(path, ROOT)), `README: \`${line}\`: ${path} does not exist`);
      }
      return false;
    }
    case 'docker':
      assert.deepEqual(rest.slice(0, 2), ['compose', 'up']);
      assert.ok(existsSync(new URL('docker-compose.yml', ROOT)));
      return false;
    case 'node':
      assert.ok(
        readmeBlocks('js').some((b) => b.info === rest[0]),
        `README: \`${line}\`: no \`\`\`js ${rest[0]} block`,
      );
      return false;
    case 'printf':
      return false;
    case 'curl':
      return (checkCurl(rest, line), false);
    default:
      return assert.fail(`README: \`${line}\`: no checker for "${head}" — add one to test/readme-commands.test.ts`);
  }
}

test('every shell command in the README parses against the real CLI, scripts and files; quick ones run', async () => {
  const checked: Checked[] = [];
  for (const block of readmeBlocks('sh')) {
    for (const raw of block.body.split('\n')) {
      const line = raw
        .replace(/(^|\s)#.*$/, '')
        .replace(/\s*&\s*$/, '')
        .trim();
      if (!line) continue;
      let ranForReal = false;
      for (const part of line.split(/\s*(?:&&|\|)\s*/)) ranForReal = (await checkCommand(part, line)) || ranForReal;
      checked.push({ line, ranForReal });
    }
  }
  assert.ok(checked.length >= 15, `only ${checked.length} README command lines found`);
  assert.ok(
    checked.some((c) => c.ranForReal),
    'at least the help line runs for real',
  );
});

test('the checker rejects a stale command', async () => {
  await assert.rejects(checkCommand('npx switchyard drill --scenario outage --reqests 200', 'stale'), /unknown option '--reqests'/);
  await assert.rejects(checkCommand('switchyard frobnicate', 'stale'), /unknown command/);
  await assert.rejects(checkCommand('npm run bench:nothing', 'stale'), /no npm script/);
  await assert.rejects(checkCommand('export SWITCHYARD_PROT=1', 'stale'), /not a variable Switchyard reads/);
});

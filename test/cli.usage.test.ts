import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { runCli } from './support/cli-process.ts';

const STACK = /\n\s+at /;
const version = (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;

test('no arguments prints usage and starts nothing', async () => {
  const run = await runCli([], { SWITCHYARD_PORT: '0', SWITCHYARD_API_PORT: '0' }, 15_000);
  assert.equal(run.code, 0);
  assert.match(run.stdout, /^usage: switchyard/);
  assert.match(run.stdout, /drill/);
  assert.doesNotMatch(run.stdout + run.stderr, /switchyard running|OpenAI base URL/);
});

test('-h, --help and --version answer', async () => {
  for (const flag of ['-h', '--help', 'help']) {
    const run = await runCli([flag], {}, 15_000);
    assert.equal(run.code, 0, flag);
    assert.match(run.stdout, /usage: switchyard \[options\] \[command\]/, flag);
  }
  for (const flag of ['--version', '-v']) {
    const run = await runCli([flag], {}, 15_000);
    assert.equal(run.code, 0);
    assert.equal(run.stdout.trim(), version);
  }
});

test('every command has its own help', async () => {
  for (const command of ['all', 'collector', 'ingest', 'policy', 'api', 'migrate', 'reconcile', 'hash-key', 'simulate', 'drill']) {
    const run = await runCli([command, '--help'], {}, 15_000);
    assert.equal(run.code, 0, command);
    assert.match(run.stdout, new RegExp(`^usage: switchyard ${command}`), command);
  }
  const drill = await runCli(['drill', '--help'], {}, 15_000);
  assert.match(drill.stdout, /all-down\s+every provider is down/);
  assert.match(drill.stdout, /Exit status: 0 when the criterion held, 1 when it did not/);
});

test('an unknown flag, a negative or a non-numeric number: one line naming it, usage, exit 2, no stack', async () => {
  const cases: Array<[string[], RegExp]> = [
    [['drill', '--scenario', 'outage', '--reqests', '10'], /^switchyard: unknown option '--reqests'/],
    [['drill', '--scenario', 'outage', '--requests', '-5'], /^switchyard: option '--requests <n>' argument '-5' is invalid\. Expected a positive integer\./],
    [['drill', '--scenario', 'outage', '--concurrency', 'ten'], /^switchyard: option '--concurrency <n>' argument 'ten' is invalid/],
    [['drill', '--scenario', 'outage', '--requests', '2.5'], /argument '2\.5' is invalid/],
    [['simulate', '--port', '70000'], /^switchyard: option '--port <n>' argument '70000' is invalid\. Expected a port from 0 to 65535\./],
    [['reconcile', '--day', '2026-02-30'], /^switchyard: option '--day <day>' argument '2026-02-30' is invalid/],
    [['migrate', '--force'], /^switchyard: unknown option '--force'/],
  ];
  for (const [args, message] of cases) {
    const run = await runCli(args, {}, 15_000);
    assert.equal(run.code, 2, args.join(' '));
    assert.match(run.stderr, message, args.join(' '));
    assert.match(run.stderr, new RegExp(`usage: switchyard ${args[0]}`), args.join(' '));
    assert.doesNotMatch(run.stderr, STACK, args.join(' '));
    assert.equal(run.stdout, '', 'nothing on stdout');
  }
});

test('drill without --scenario is an error listing the scenarios', async () => {
  const run = await runCli(['drill'], {}, 15_000);
  assert.equal(run.code, 2);
  assert.match(run.stderr, /--scenario is required; choose one of healthy, outage, rate-limit-storm, flapping, all-down, latency-spike, budget-exhausted/);
  const unknown = await runCli(['drill', '--scenario', 'meltdown'], {}, 15_000);
  assert.equal(unknown.code, 2);
  assert.match(unknown.stderr, /unknown scenario "meltdown"; choose one of healthy/);
});

test('reconcile without --day says it is required and why', async () => {
  const run = await runCli(['reconcile'], {}, 15_000);
  assert.equal(run.code, 2);
  assert.match(run.stderr, /--day is required .*only a closed day \(before today, UTC\) can be proven/);
});

test('an unknown extra service is named', async () => {
  const run = await runCli(['ingest', 'polcy'], {}, 15_000);
  assert.equal(run.code, 2);
  assert.match(run.stderr, /unknown command or service "polcy"; services are collector, ingest, policy, api/);
});

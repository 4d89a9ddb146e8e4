import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli, startCli } from './support/cli-process.ts';

test('a second process on the same embedded data directory gets one line: who holds it and what to do', async () => {
  const data = mkdtempSync(join(tmpdir(), 'switchyard-busy-'));
  const env = { SWITCHYARD_DATA: data, SWITCHYARD_PORT: '0', SWITCHYARD_API_PORT: '0', KAFKA_BROKERS: '' };
  const first = await startCli(['all'], env, /GraphQL:/);
  try {
    // While it runs: GET / on the collector points a newcomer at the API and the console.
    const base = /OpenAI base URL: (\S+)\/v1/.exec(first.output())![1]!;
    const index = (await (await fetch(`${base}/`)).json()) as { links: { graphql: string; console: string } };
    assert.match(index.links.graphql, /^http:\/\/127\.0\.0\.1:\d+\/graphql$/);
    assert.match(index.links.console, /\/console\/$/);
    for (const args of [['all'], ['migrate'], ['reconcile', '--day', 'yesterday'], ['ingest', 'policy', 'api']]) {
      const second = await runCli(args, env, 30_000);
      assert.equal(second.code, 2, args.join(' '));
      assert.match(second.stderr, new RegExp(`another Switchyard process \\(pid ${first.child.pid}\\) holds the data directory ${data}`), args.join(' '));
      assert.match(second.stderr, /SWITCHYARD_DATA/);
      assert.doesNotMatch(second.stderr, /Cannot lock file|\n\s+at /, 'no ClickHouse stack');
      assert.equal(second.stderr.trim().split('\n').length, 1, second.stderr);
    }
    // The finance exports name the request that gets the same answer from the running service, at its real port.
    const api = /GraphQL:\s+(http:\/\/127\.0\.0\.1:\d+)\/graphql/.exec(first.output())![1]!;
    const out = join(data, 'focus.csv');
    const focus = await runCli(['export', 'focus', '--from', '2026-11-01', '--to', '2026-12-01', '--out', out], env, 30_000);
    assert.equal(focus.code, 2, focus.stderr);
    const curl = `curl -fo "${out}" "${api}/exports/focus?from=2026-11-01&to=2026-12-01&format=csv&period=day" && curl -fo "${out}.metadata.json" "${api}/exports/focus/metadata?format=csv"`;
    assert.ok(focus.stderr.includes(`or ask the running service: ${curl}`), focus.stderr);
    const answer = await fetch(`${api}/exports/focus?from=2026-11-01&to=2026-12-01&format=csv&period=day`);
    assert.equal(answer.status, 200, 'the named request works');
    assert.match((await answer.text()).split('\n')[0]!, /BilledCost/);
    const metadata = await fetch(`${api}/exports/focus/metadata?format=csv`);
    assert.equal(((await metadata.json()) as { Schemas: Array<{ FocusVersion: string }> }).Schemas[0]!.FocusVersion, '1.2', 'and so does the metadata one');
    const showback = await runCli(['export', 'showback', '--month', '2026-11'], env, 30_000);
    assert.equal(showback.code, 2, showback.stderr);
    assert.ok(showback.stderr.includes(`the GraphQL query showback(month: "2026-11") at ${api}/graphql`), showback.stderr);
  } finally {
    first.child.kill('SIGTERM');
    assert.equal(await first.exited, 0);
  }
  const after = await runCli(['migrate'], env, 60_000);
  assert.equal(after.code, 0, `the lock is released at shutdown: ${after.stderr}`);
});

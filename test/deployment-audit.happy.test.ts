import assert from 'node:assert/strict';
import { mkdtempSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { startTestApi, testToken } from '../api/testing/api-harness.ts';
import { clickHouseRoutesAuditSink, RoutesAudit } from '../collector/audit/routes-audit.ts';
import { loadRoutesConfig } from '../collector/config/routes-config.ts';
import { RoutesReloader } from '../collector/config/routes-reloader.ts';
import { createOverride, revokeOverride } from '../policy/override-store.ts';

let nowMs = Date.now();
let api: Awaited<ReturnType<typeof startTestApi>>;
const dir = mkdtempSync(join(tmpdir(), 'switchyard-audit-'));
const file = join(dir, 'routes.json');
const dep = (name: string, weight = 1) => ({ name, provider: 'openai', base_url: 'http://127.0.0.1:9/v1', api_key_env: 'K', model: 'gpt-4o-mini', weight });
const write = (routes: unknown, mtimeBump: number) => {
  writeFileSync(file, JSON.stringify(routes));
  // The reloader compares mtimes; make every write a new one without sleeping.
  const t = new Date(Date.now() + mtimeBump * 1000);
  utimesSync(file, t, t);
};

before(async () => {
  api = await startTestApi([testToken('ops', 'operator', ['*']), testToken('root', 'admin')], { clock: { now: () => nowMs } });
});
after(() => api.close());

type Page = {
  deploymentAudit: {
    entries: Array<{ kind: string; actor: string; subject: string; detail: string; reason: string; host: string; pid: number; checksum: string }>;
    nextCursor: string | null;
  };
};
const QUERY = `query($from: DateTime!, $to: DateTime!, $kinds: [DeploymentAuditKind!], $first: Int!, $after: String) {
  deploymentAudit(from: $from, to: $to, kinds: $kinds, first: $first, after: $after) { entries { kind actor subject detail reason host pid checksum } nextCursor } }`;

test('every kind of change appears once: reload, refused reload, mutation, override set, lifted and expired; paged and filtered', async () => {
  write({ routes: [{ name: 'chat', deployments: [dep('a'), dep('b')] }] }, 1);
  const applied: string[] = [];
  const audit = new RoutesAudit({ file, initial: loadRoutesConfig(file), sink: clickHouseRoutesAuditSink(api.store.client) });
  const writes: Array<Promise<void>> = [];
  const reloader = new RoutesReloader(
    file,
    (c) => void applied.push(c.routes[0]!.name),
    () => {},
    (r) => void writes.push(audit.observe(r)),
  );
  write({ routes: [{ name: 'chat', deployments: [dep('a', 4), dep('c')] }] }, 2);
  assert.equal(reloader.check().ok, true);
  write({ routes: [{ name: 'chat', deployments: [] }] }, 3);
  assert.equal(reloader.check().ok, false);
  // Still broken at the next poll: not recorded again.
  write({ routes: [{ name: 'chat', deployments: [] }] }, 4);
  assert.equal(reloader.check().ok, false);
  await Promise.all(writes);

  const revoke = await api.gql(`mutation { revokeApiToken(id: "old-token", reason: "leaked in a log") { id } }`, {}, 'root');
  assert.equal(revoke.errors, undefined, JSON.stringify(revoke.errors));
  const pin = await createOverride(
    api.store.client,
    { route: 'chat', deployment: 'a', action: 'pin', share: null, actor: 'ops', reason: 'incident 42', expiresAtMs: nowMs + 3_600_000 },
    nowMs,
  );
  await revokeOverride(api.store.client, pin, 'ops', 'incident over', nowMs + 1000);
  await createOverride(
    api.store.client,
    { route: 'chat', deployment: 'c', action: 'drain', share: null, actor: 'ops', reason: 'provider maintenance', expiresAtMs: nowMs + 60_000 },
    nowMs,
  );
  nowMs += 120_000;

  const range = { from: new Date(nowMs - 3_600_000).toISOString(), to: new Date(nowMs + 3_600_000).toISOString() };
  const all = await api.gql<Page>(QUERY, { ...range, first: 100 }, 'ops');
  assert.equal(all.errors, undefined, JSON.stringify(all.errors));
  const kinds = all.data!.deploymentAudit.entries.map((e) => e.kind).sort();
  assert.deepEqual(kinds, ['MUTATION', 'OVERRIDE_EXPIRED', 'OVERRIDE_LIFTED', 'OVERRIDE_SET', 'OVERRIDE_SET', 'ROUTES_RELOAD', 'ROUTES_RELOAD_REFUSED']);
  const byKind = (k: string) => all.data!.deploymentAudit.entries.filter((e) => e.kind === k);
  const reload = byKind('ROUTES_RELOAD')[0]!;
  assert.deepEqual(JSON.parse(reload.detail).deployments, { added: ['chat/c'], removed: ['chat/b'], changed: [{ id: 'chat/a', fields: { weight: [1, 4] } }] });
  assert.match(reload.checksum, /^[0-9a-f]{64}$/);
  assert.equal(reload.pid, process.pid);
  assert.ok(reload.host.length > 0);
  assert.match(byKind('ROUTES_RELOAD_REFUSED')[0]!.reason, /at least one deployment/);
  assert.deepEqual([byKind('MUTATION')[0]!.subject, byKind('MUTATION')[0]!.actor], ['Mutation.revokeApiToken', 'root']);
  assert.deepEqual(
    byKind('OVERRIDE_LIFTED').map((e) => [e.subject, e.reason]),
    [['chat/a', 'incident over']],
  );
  assert.deepEqual(
    byKind('OVERRIDE_EXPIRED').map((e) => [e.subject, e.actor]),
    [['chat/c', 'system']],
  );

  // Paging: three pages of 3, 3, 1 hold the same entries in the same order.
  const seen: string[] = [];
  let after: string | null = null;
  do {
    const page: { data?: Page } = await api.gql<Page>(QUERY, { ...range, first: 3, after }, 'ops');
    seen.push(...page.data!.deploymentAudit.entries.map((e) => e.kind));
    after = page.data!.deploymentAudit.nextCursor;
  } while (after);
  assert.deepEqual(
    seen,
    all.data!.deploymentAudit.entries.map((e) => e.kind),
  );
  const onlyReloads = await api.gql<Page>(QUERY, { ...range, first: 100, kinds: ['ROUTES_RELOAD', 'ROUTES_RELOAD_REFUSED'] }, 'ops');
  assert.equal(onlyReloads.data!.deploymentAudit.entries.length, 2);
  assert.deepEqual(applied, ['chat']);
});

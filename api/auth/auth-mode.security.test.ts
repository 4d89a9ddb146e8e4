import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '../../core/errors.ts';
import { ApiError } from '../api-errors.ts';
import { sha256Hex } from '../../collector/http/key-ring.ts';
import { Authenticator } from './authenticator.ts';
import { isLoopback, resolveAuthMode } from './auth-mode.ts';
import { authorize, narrowTeams } from './authorize.ts';

const dir = mkdtempSync(join(tmpdir(), 'switchyard-tokens-'));
const file = (name: string, text: string) => (writeFileSync(join(dir, name), text), join(dir, name));

test('no tokens on loopback: open as admin, with a warning; on any other address: refuse to start', () => {
  const logs: string[] = [];
  assert.deepEqual(resolveAuthMode({ host: '127.0.0.1', log: (m) => logs.push(m) }), { tokens: [], open: true });
  assert.match(logs.join('\n'), /WARNING no API tokens/);
  for (const host of ['0.0.0.0', '10.0.0.5', '::', 'api.internal']) {
    assert.throws(
      () => resolveAuthMode({ host, log: () => {} }),
      (e: unknown) => e instanceof ConfigError && /SWITCHYARD_API_TOKENS/.test(e.message),
      host,
    );
  }
  assert.ok(isLoopback('localhost') && isLoopback('::1') && isLoopback('127.0.0.2') && !isLoopback('128.0.0.1'));
});

test('a tokens file is validated, naming the key; clear tokens are refused', () => {
  const bad = file(
    'bad.yaml',
    'tokens:\n  - { id: a, sha256: "my-secret-token", role: viewer, teams: [a] }\n  - { id: b, sha256: "' + 'f'.repeat(64) + '", role: viewer }\n',
  );
  assert.throws(
    () => resolveAuthMode({ tokensFile: bad, host: '0.0.0.0', log: () => {} }),
    (e: unknown) => {
      const m = (e as Error).message;
      return e instanceof ConfigError && /tokens\.0\.sha256/.test(m) && /tokens\.1\.teams/.test(m) && !m.includes('my-secret-token');
    },
  );
  const good = file('good.yaml', `tokens:\n  - { id: fin, sha256: "${sha256Hex('t1')}", role: finance, teams: ["*"] }\n`);
  const mode = resolveAuthMode({ tokensFile: good, host: '0.0.0.0', log: () => {} });
  assert.equal(mode.open, false);
  assert.deepEqual(new Authenticator(mode.tokens, () => false).authenticate('Bearer t1'), { id: 'fin', role: 'finance', teams: 'all' });
});

test('authentication: missing, wrong and revoked tokens are UNAUTHENTICATED', () => {
  const tokens = [{ id: 'v', sha256: sha256Hex('tv'), role: 'viewer' as const, teams: ['a'] }];
  const revoked = new Set<string>();
  const auth = new Authenticator(tokens, (id) => revoked.has(id));
  for (const header of [undefined, '', 'tv', 'Bearer', 'Bearer nope', 'Basic tv']) {
    assert.throws(
      () => auth.authenticate(header),
      (e: unknown) => e instanceof ApiError && e.code === 'UNAUTHENTICATED',
      String(header),
    );
  }
  assert.equal(auth.authenticate('bearer tv').role, 'viewer');
  revoked.add('v');
  assert.throws(
    () => auth.authenticate('Bearer tv'),
    (e: unknown) => e instanceof ApiError && e.code === 'UNAUTHENTICATED',
  );
});

test('authorization: roles per field, admin everywhere, team narrowing refuses teams outside the grant', () => {
  const viewerA = { id: 'v', role: 'viewer' as const, teams: new Set(['a']) };
  assert.throws(
    () => authorize(viewerA, { roles: ['operator'] }, 'Mutation.x'),
    (e: unknown) => e instanceof ApiError && e.code === 'FORBIDDEN',
  );
  assert.throws(
    () => authorize({ id: 's', role: 'service', teams: new Set() }, { roles: ['viewer'] }, 'Query.costs'),
    (e: unknown) => e instanceof ApiError && e.code === 'FORBIDDEN',
  );
  assert.equal(authorize({ id: 'root', role: 'admin', teams: 'all' }, { roles: [] }, 'Query.auditLog').teams, 'all');
  const grant = authorize(viewerA, { roles: ['viewer'] }, 'Query.costs');
  assert.deepEqual(grant.teams, ['a']);
  assert.deepEqual(narrowTeams(grant, undefined, 'filter.team'), ['a']);
  assert.deepEqual(narrowTeams(grant, ['a'], 'filter.team'), ['a']);
  assert.throws(
    () => narrowTeams(grant, ['a', 'b'], 'filter.team'),
    (e: unknown) => e instanceof ApiError && e.code === 'FORBIDDEN' && /filter\.team.*"b"/.test(e.message),
  );
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseRoutesConfig } from '../config/routes-config.ts';
import { diffRoutes, isEmptyDiff } from './routes-diff.ts';

const dep = (name: string, extra: Record<string, unknown> = {}) => ({
  name,
  provider: 'openai',
  base_url: 'http://x/v1',
  api_key_env: 'K',
  model: 'gpt-4o-mini',
  ...extra,
});
const key = (id: string, sha: string) => ({ id, sha256: sha.repeat(64), team: 'search' });

describe('diffRoutes', () => {
  it('names deployments added, removed and changed (model, weight), budgets and keys by id, never a key hash', () => {
    const before = parseRoutesConfig({
      keys: [key('k1', 'a'), key('k2', 'b')],
      budgets: { limits: [{ scope: 'team', id: 'search', limit_usd: 5, per: 'day' }] },
      routes: [{ name: 'chat', deployments: [dep('a'), dep('b')] }],
    });
    const after = parseRoutesConfig({
      keys: [key('k1', 'c'), key('k3', 'd')],
      budgets: { limits: [{ scope: 'team', id: 'search', limit_usd: 8, per: 'day' }] },
      routes: [{ name: 'chat', deployments: [dep('a', { weight: 3, model: 'gpt-4o' }), dep('c')] }],
    });
    const d = diffRoutes(before, after);
    assert.deepEqual(d.deployments, {
      added: ['chat/c'],
      removed: ['chat/b'],
      changed: [{ id: 'chat/a', fields: { model: ['gpt-4o-mini', 'gpt-4o'], weight: [1, 3] } }],
    });
    assert.deepEqual(d.budgets.changed, [{ id: 'limit:team:search:day', fields: { limit_usd: [5, 8] } }]);
    assert.deepEqual(d.keys, { added: ['k3'], removed: ['k2'], changed: [{ id: 'k1', fields: { sha256: ['[redacted]', '[redacted]'] } }] });
    assert.doesNotMatch(JSON.stringify(d), /aaaa|cccc/);
    assert.equal(isEmptyDiff(diffRoutes(before, before)), true);
    const leaky = parseRoutesConfig({ routes: [{ name: 'chat', deployments: [dep('a', { base_url: 'https://user:pw@host.example/v1?key=sk-live-1' })] }] });
    assert.doesNotMatch(JSON.stringify(diffRoutes(before, leaky)), /pw@|sk-live/);
  });
});

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseRoutesConfig } from '../config/routes-config.ts';

const dep = (name: string) => ({ name, provider: 'openai', base_url: 'http://127.0.0.1:9/v1', api_key_env: 'K', model: 'gpt-4o-mini' });
const route = (parity: unknown) => ({ routes: [{ name: 'chat', parity, deployments: [dep('a'), dep('b')] }] });

test('a parity section is validated by name: unknown alternate, sample out of range, no budget, unknown key', () => {
  assert.equal(
    parseRoutesConfig(route({ failover: true, shadow: { alternate: 'b', sample: 0.1, budget_usd_per_day: 2 } })).routes[0]!.parity?.shadow?.max_in_flight,
    4,
  );
  assert.throws(
    () => parseRoutesConfig(route({ shadow: { alternate: 'c', sample: 0.1, budget_usd_per_day: 2 } })),
    /routes\.0\.parity\.shadow\.alternate.*no deployment named "c"/s,
  );
  assert.throws(() => parseRoutesConfig(route({ shadow: { alternate: 'b', sample: 2, budget_usd_per_day: 2 } })), /parity\.shadow\.sample/);
  assert.throws(() => parseRoutesConfig(route({ shadow: { alternate: 'b', sample: 0.5 } })), /parity\.shadow\.budget_usd_per_day/);
  assert.throws(() => parseRoutesConfig(route({ failover: true, fail_over: true })), /fail_over/);
});

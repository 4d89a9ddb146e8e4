import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ProviderError } from '../providers/provider.ts';
import { CircuitOpenError, DeploymentBreakers } from './deployment-breakers.ts';

function setup() {
  let now = 1_000_000;
  const changes: string[] = [];
  const breakers = new DeploymentBreakers(
    { failureThreshold: 0.5, windowMs: 1000, minimumRps: 0.001, halfOpenAfterMs: 150 },
    (d, s) => changes.push(`${d}:${s}`),
    { now: () => now },
  );
  return { breakers, changes, advance: (ms: number) => (now += ms) };
}

const fail = (kind: ConstructorParameters<typeof ProviderError>[0]) => () => Promise.reject(new ProviderError(kind, 'x', 500));

test('server errors open the circuit; after the cool-down on the injected clock one probe closes it, with no sleep', async () => {
  const { breakers, changes, advance } = setup();
  await assert.rejects(breakers.run('r/a', fail('server')), ProviderError);
  assert.equal(breakers.state('r/a'), 'open');
  assert.equal(breakers.coolingDown('r/a'), true);
  await assert.rejects(
    breakers.run('r/a', () => Promise.resolve('never')),
    CircuitOpenError,
  );
  advance(150);
  assert.equal(breakers.coolingDown('r/a'), false);
  assert.equal(await breakers.run('r/a', () => Promise.resolve('probe')), 'probe');
  assert.equal(breakers.state('r/a'), 'closed');
  assert.deepEqual(changes, ['r/a:open', 'r/a:half_open', 'r/a:closed']);
});

test('while the probe is out other calls are refused, so requests do not queue behind it', async () => {
  const { breakers, advance } = setup();
  await assert.rejects(breakers.run('r/a', fail('timeout')));
  advance(200);
  let finishProbe: (v: string) => void = () => {};
  const probe = breakers.run('r/a', () => new Promise<string>((resolve) => (finishProbe = resolve)));
  await assert.rejects(
    breakers.run('r/a', () => Promise.resolve('second')),
    (err: CircuitOpenError) => err.deployment === 'r/a',
  );
  finishProbe('ok');
  assert.equal(await probe, 'ok');
  assert.equal(breakers.state('r/a'), 'closed');
});

test('429s and request errors leave the circuit closed; deployments have circuits of their own', async () => {
  const { breakers } = setup();
  for (let i = 0; i < 5; i++) await assert.rejects(breakers.run('r/a', fail('rate_limited')));
  await assert.rejects(breakers.run('r/a', () => Promise.reject(new TypeError('ours'))));
  assert.equal(breakers.state('r/a'), 'closed');
  await assert.rejects(breakers.run('r/b', fail('overloaded')));
  assert.deepEqual([breakers.state('r/a'), breakers.state('r/b'), breakers.state('r/c')], ['closed', 'open', 'closed']);
});

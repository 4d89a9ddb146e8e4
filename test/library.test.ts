import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { simulatedRoutes, simulatedUpstreams, SIMULATOR_KEY_ENV } from '../cli/default-routes.ts';
import { DispatchError, Switchyard } from '../collector/library.ts';
import { startSimulator, type Simulator } from '../collector/simulator/index.ts';
import type { AttemptEvent } from '../core/events/attempt-event.ts';

// The shim as an in-process library: same routing, failover and attempt events, no HTTP hop.

let sim: Simulator;
let yard: Switchyard;
const events: AttemptEvent[] = [];
before(async () => {
  sim = await startSimulator({ seed: 9 });
  yard = Switchyard.create({
    routes: simulatedRoutes((u, k) => sim.baseUrl(u, k), { base_delay_ms: 1, max_delay_ms: 5 }),
    providerEnv: { [SIMULATOR_KEY_ENV]: 'k' },
    publisher: { publish: (e) => void events.push(e), flush: async () => {}, close: async () => {}, dropped: 0 },
  });
});
after(() => sim.close());

test('complete: an answer, attributed with the caller tags, one event per attempt', async () => {
  events.length = 0;
  const c = await yard.complete({ model: 'chat', messages: [{ role: 'user', content: 'hi' }] }, { tags: { team: 'lib', feature: 'inline' } });
  assert.ok(c.choices[0]!.message.content!.length > 0);
  assert.equal(events.length, 1);
  assert.deepEqual([events[0]!.tags.team, events[0]!.tags.feature, events[0]!.status], ['lib', 'inline', 'ok']);
});

test('stream: chunks arrive in order and join to the answer; a failing provider is replaced first', async () => {
  sim.setFaults(simulatedUpstreams.openai, { errorRates: { '500': 1 } });
  sim.setFaults(simulatedUpstreams.anthropic, { errorRates: { '500': 1 } });
  events.length = 0;
  let text = '';
  for await (const chunk of yard.stream({ model: 'chat', messages: [{ role: 'user', content: 'stream' }] })) text += chunk.choices[0]?.delta.content ?? '';
  assert.ok(text.split(' ').length > 5);
  assert.equal(events[events.length - 1]!.provider, 'gemini');
  sim.clearFaults();
});

test('errors are typed: a bad body is a 400 naming the field, an unknown model a 404', async () => {
  await assert.rejects(
    yard.complete({ model: 'chat', messages: [] }),
    (err: unknown) => err instanceof DispatchError && err.httpStatus === 400 && err.param === 'messages',
  );
  await assert.rejects(
    yard.complete({ model: 'nope', messages: [{ role: 'user', content: 'x' }] }),
    (err: unknown) => err instanceof DispatchError && err.httpStatus === 404,
  );
});

test('a consumer that stops reading cancels the attempt', async () => {
  sim.setFaults(simulatedUpstreams.openai, { interTokenMs: 50 });
  sim.setFaults(simulatedUpstreams.anthropic, { interTokenMs: 50 });
  sim.setFaults(simulatedUpstreams.gemini, { interTokenMs: 50 });
  events.length = 0;
  for await (const chunk of yard.stream({ model: 'chat', messages: [{ role: 'user', content: 'long' }] })) {
    if (chunk.choices[0]?.delta.content) break;
  }
  assert.equal(events[events.length - 1]!.status, 'cancelled');
  sim.clearFaults();
});

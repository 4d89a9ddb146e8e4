import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { ChatRequest } from '../collector/providers/provider.ts';
import { startParityHarness, PROVIDERS, type ParityHarness } from './support/parity-harness.ts';
import type { ScriptedAnswer } from './support/scripted-upstream.ts';

const personSchema = {
  type: 'object',
  properties: { name: { type: 'string' }, age: { type: 'integer' } },
  required: ['name', 'age'],
  additionalProperties: false,
};
const weather = {
  type: 'function' as const,
  function: { name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } },
};
const ask = (model: string, extra: Partial<ChatRequest>): Omit<ChatRequest, 'stream'> => ({
  model,
  messages: [{ role: 'user', content: 'who is it? use get_weather for weather' }],
  ...extra,
});
const jsonSchema = { response_format: { type: 'json_schema' as const, json_schema: { name: 'person', schema: personSchema } } };

/** Each way to break a contract, and an answer that keeps it. */
const cases: Array<{ name: string; request: Partial<ChatRequest>; answer: ScriptedAnswer; outcome: string }> = [
  { name: 'schema kept', request: jsonSchema, answer: { text: '{"name":"Ada","age":36}' }, outcome: 'ok' },
  { name: 'not JSON', request: jsonSchema, answer: { text: 'Ada, 36 years old' }, outcome: 'invalid_json' },
  { name: 'JSON mode, not JSON', request: { response_format: { type: 'json_object' } }, answer: { text: '{"name": "Ada",' }, outcome: 'invalid_json' },
  { name: 'schema broken', request: jsonSchema, answer: { text: '{"name":"Ada","age":"36"}' }, outcome: 'schema_violation' },
  { name: 'unknown tool', request: { tools: [weather] }, answer: { toolCalls: [{ name: 'get_stock', arguments: { symbol: 'X' } }] }, outcome: 'unknown_tool' },
  {
    name: 'tool arguments broken',
    request: { tools: [weather] },
    answer: { toolCalls: [{ name: 'get_weather', arguments: { town: 'Oslo' } }] },
    outcome: 'invalid_tool_args',
  },
  { name: 'tool call kept', request: { tools: [weather] }, answer: { toolCalls: [{ name: 'get_weather', arguments: { city: 'Oslo' } }] }, outcome: 'ok' },
  { name: 'no contract', request: {}, answer: { text: 'hello there' }, outcome: 'none' },
];

describe('parity outcomes on every provider format, streamed and not', () => {
  let h: ParityHarness;
  before(async () => {
    h = await startParityHarness();
  });
  after(() => h.close());

  for (const p of PROVIDERS) {
    for (const stream of [false, true]) {
      for (const c of cases) {
        it(`${p.kind} ${stream ? 'stream' : 'complete'}: ${c.name} → ${c.outcome}`, async () => {
          h.up.script(p.upstream, c.answer);
          const before = h.events.length;
          if (stream) await h.stream(ask(p.kind, c.request));
          else await h.complete(ask(p.kind, c.request));
          const events = h.events.slice(before);
          assert.equal(events.length, 1);
          assert.equal(events[0]!.deployment, p.deployment);
          assert.equal(events[0]!.status, 'ok');
          // Without failover a broken contract is recorded, and the answer still served.
          assert.equal(events[0]!.parity, c.outcome);
        });
      }
    }
  }
});

describe('parity failover', () => {
  let h: ParityHarness;
  before(async () => {
    h = await startParityHarness((d) => [{ name: 'strict', strategy: 'priority', parity: { failover: true }, deployments: [d('openai'), d('anthropic')] }]);
  });
  after(() => h.close());

  for (const stream of [false, true]) {
    it(`${stream ? 'a stream' : 'an answer'} that breaks its schema fails over before the client sees it, with reason parity_violation`, async () => {
      h.up.script('oa', { text: '{"name":"Ada"}' });
      h.up.script('an', { text: '{"name":"Ada","age":36}' });
      const before = h.events.length;
      const got = stream ? (await h.stream(ask('strict', jsonSchema))).text : (await h.complete(ask('strict', jsonSchema))).content;
      assert.equal(got, '{"name":"Ada","age":36}');
      const events = h.events.slice(before);
      assert.deepEqual(
        events.map((e) => [e.deployment, e.status, e.parity, e.fallback_reason, e.is_final]),
        [
          ['openai-a', 'error', 'schema_violation', 'none', false],
          ['anthropic-a', 'ok', 'ok', 'parity_violation', true],
        ],
      );
    });
  }

  it('a tool call to an unknown tool fails over too; requests without a contract stream as before', async () => {
    h.up.script('oa', { toolCalls: [{ name: 'rm_rf', arguments: {} }] });
    h.up.script('an', { toolCalls: [{ name: 'get_weather', arguments: { city: 'Oslo' } }] });
    assert.deepEqual((await h.complete(ask('strict', { tools: [weather] }))).tools, ['get_weather']);
    h.up.script('oa', { text: 'plain words' });
    const before = h.events.length;
    assert.equal((await h.stream(ask('strict', {}))).text, 'plain words');
    assert.deepEqual(
      h.events.slice(before).map((e) => [e.deployment, e.parity]),
      [['openai-a', 'none']],
    );
  });

  it('when every deployment breaks the contract the client gets an error, never a broken answer', async () => {
    h.up.script('oa', { text: 'nope' });
    h.up.script('an', { text: 'still nope' });
    await assert.rejects(h.complete(ask('strict', jsonSchema)), (err: Error & { httpStatus?: number }) => {
      assert.ok((err.httpStatus ?? 0) >= 400, String(err.httpStatus));
      assert.match(err.message, /invalid_json/);
      // The answer's text never reaches the error.
      assert.doesNotMatch(err.message, /nope/);
      return true;
    });
  });
});

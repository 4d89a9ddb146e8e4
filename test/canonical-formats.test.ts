import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { startCollectorHarness, type CollectorHarness } from './support/collector-harness.ts';

// Tools, JSON mode and images through the shim, with both official SDKs, served by each
// provider's wire format: the canonical model must carry them across in both directions.

const weather = {
  name: 'get_weather',
  description: 'Current weather',
  parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
};
const PIXEL = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==';

for (const served of ['openai-primary', 'anthropic-backup', 'gemini-backup'] as const) {
  describe(`served by ${served}`, () => {
    let h: CollectorHarness;
    let openai: OpenAI;
    let anthropic: Anthropic;
    before(async () => {
      h = await startCollectorHarness({ seed: 5, firstChoice: served });
      openai = new OpenAI({ baseURL: `${h.origin}/v1`, apiKey: 'sk-client', maxRetries: 0 });
      anthropic = new Anthropic({ baseURL: h.origin, apiKey: 'sk-ant-client', maxRetries: 0 });
    });
    after(() => h.close());

    test('OpenAI SDK: a tool call round trip, then the final answer', async () => {
      h.events.length = 0;
      const tools = [{ type: 'function' as const, function: weather }];
      const first = await openai.chat.completions.create({ model: 'chat', messages: [{ role: 'user', content: 'call get_weather for Paris' }], tools });
      const call = first.choices[0]!.message.tool_calls![0]!;
      assert.equal(first.choices[0]!.finish_reason, 'tool_calls');
      assert.equal(call.type === 'function' && call.function.name, 'get_weather');
      assert.deepEqual(call.type === 'function' && JSON.parse(call.function.arguments), { city: 'sample city' });
      const second = await openai.chat.completions.create({
        model: 'chat',
        tools,
        messages: [
          { role: 'user', content: 'call get_weather for Paris' },
          first.choices[0]!.message,
          { role: 'tool', tool_call_id: call.id, content: '{"temp_c":21}' },
        ],
      });
      assert.ok((second.choices[0]!.message.content ?? '').length > 0);
      assert.deepEqual(
        h.events.map((e) => [e.deployment, e.finish_reason]),
        [
          [served, 'tool_calls'],
          [served, second.choices[0]!.finish_reason],
        ],
      );
    });

    test('OpenAI SDK: a streamed tool call reassembles into the same call', async () => {
      const stream = openai.chat.completions.stream({
        model: 'chat',
        messages: [{ role: 'user', content: 'call get_weather now' }],
        tools: [{ type: 'function', function: weather }],
        tool_choice: 'required',
      });
      const final = await stream.finalChatCompletion();
      const call = final.choices[0]!.message.tool_calls![0]!;
      assert.equal(call.type === 'function' && call.function.name, 'get_weather');
      assert.deepEqual(call.type === 'function' && JSON.parse(call.function.arguments), { city: 'sample city' });
    });

    test('OpenAI SDK: JSON mode answers parse as JSON', async () => {
      const r = await openai.chat.completions.create({
        model: 'chat',
        messages: [{ role: 'user', content: 'answer in JSON' }],
        response_format: { type: 'json_object' },
      });
      assert.ok((JSON.parse(r.choices[0]!.message.content!) as { answer: string }).answer.length > 0);
    });

    test('Anthropic SDK: tool_use out, tool_result back in, images accepted', async () => {
      const tools = [{ name: weather.name, description: weather.description, input_schema: weather.parameters as Anthropic.Tool.InputSchema }];
      const m = await anthropic.messages.create({
        model: 'chat',
        max_tokens: 100,
        tools,
        tool_choice: { type: 'any' },
        messages: [
          {
            role: 'user',
            content: [
              { type: 'text', text: 'weather?' },
              { type: 'image', source: { type: 'base64', media_type: 'image/png', data: PIXEL } },
            ],
          },
        ],
      });
      assert.equal(m.stop_reason, 'tool_use');
      const use = m.content.find((b) => b.type === 'tool_use') as Anthropic.ToolUseBlock;
      assert.deepEqual(use.input, { city: 'sample city' });
      const answer = await anthropic.messages.create({
        model: 'chat',
        max_tokens: 100,
        tools,
        messages: [
          { role: 'user', content: 'weather?' },
          { role: 'assistant', content: m.content },
          { role: 'user', content: [{ type: 'tool_result', tool_use_id: use.id, content: '21C' }] },
        ],
      });
      assert.equal(answer.content[0]!.type, 'text');
      assert.notEqual(answer.stop_reason, 'tool_use');

      const streamed = await anthropic.messages
        .stream({
          model: 'chat',
          max_tokens: 100,
          tools,
          tool_choice: { type: 'tool', name: 'get_weather' },
          messages: [{ role: 'user', content: 'weather?' }],
        })
        .finalMessage();
      const streamedUse = streamed.content.find((b) => b.type === 'tool_use') as Anthropic.ToolUseBlock;
      assert.deepEqual(streamedUse.input, { city: 'sample city' });
    });

    test('every attempt event carries finish reason and the provider-specific fields', async () => {
      h.events.length = 0;
      await openai.chat.completions.create({ model: 'chat', messages: [{ role: 'user', content: 'hi' }] });
      const event = h.events[0]!;
      assert.ok(['stop', 'length'].includes(event.finish_reason!));
      const expected = { 'openai-primary': 'system_fingerprint', 'anthropic-backup': 'stop_reason', 'gemini-backup': 'safety_ratings' }[served];
      assert.ok(event.provider_fields[expected], JSON.stringify(event.provider_fields));
    });
  });
}

test('bad tool input is a 400 that names the field', async () => {
  const h = await startCollectorHarness();
  try {
    const openai = new OpenAI({ baseURL: `${h.origin}/v1`, apiKey: 'sk', maxRetries: 0 });
    await assert.rejects(
      openai.chat.completions.create({ model: 'chat', messages: [{ role: 'tool', content: 'x' } as never] }),
      (err: InstanceType<typeof OpenAI.BadRequestError>) => err.status === 400 && /messages\.0\.tool_call_id/.test(err.message),
    );
    await assert.rejects(
      openai.chat.completions.create({
        model: 'chat',
        messages: [{ role: 'user', content: 'x' }],
        tools: [{ type: 'function', function: weather }],
        tool_choice: { type: 'function', function: { name: 'nope' } },
      }),
      (err: InstanceType<typeof OpenAI.BadRequestError>) => err.status === 400 && /no tool named "nope"/.test(err.message),
    );
  } finally {
    await h.close();
  }
});

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import OpenAI from 'openai';
import { simulatedRoutes, simulatedUpstreams, SIMULATOR_KEY_ENV } from '../cli/default-routes.ts';
import { createCollectorServer } from '../collector/http/collector-server.ts';
import { ChatService } from '../collector/dispatch/chat-service.ts';
import { Dispatcher } from '../collector/dispatch/dispatcher.ts';
import { buildRouteTable } from '../collector/dispatch/route-table.ts';
import { RoutingWeights } from '../collector/routing/routing-weights.ts';
import { startSimulator, type Simulator } from '../collector/simulator/index.ts';
import type { AttemptEvent } from '../core/events/attempt-event.ts';

// The collector alone, recording the events it would emit: streaming failover before commit,
// and an explicit error after commit.
let sim: Simulator;
let server: Server;
let openai: OpenAI;
let baseUrl: string;
const events: AttemptEvent[] = [];

before(async () => {
  sim = await startSimulator({ seed: 5 });
  const config = simulatedRoutes((u, k) => sim.baseUrl(u, k), { base_delay_ms: 1, max_delay_ms: 5 });
  const weights = new RoutingWeights();
  // Always start with the OpenAI deployment so faults on it are exercised deterministically.
  weights.replace(new Map([['chat', new Map([['openai-primary', 1], ['anthropic-backup', 0], ['gemini-backup', 0]])]]), 0);
  const dispatcher = new Dispatcher({
    routes: buildRouteTable(config, { [SIMULATOR_KEY_ENV]: 'k' }),
    weights,
    retry: config.retry,
    publisher: { publish: (e) => void events.push(e), flush: async () => {}, close: async () => {}, dropped: 0 },
  });
  server = createCollectorServer({ chat: new ChatService(dispatcher), routeNames: () => dispatcher.routeNames() });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
  openai = new OpenAI({ baseURL: baseUrl, apiKey: 'k', maxRetries: 0 });
});
after(async () => {
  server.close();
  server.closeAllConnections();
  await sim.close();
});

const ask = () => openai.chat.completions.create({ model: 'chat', stream: true, messages: [{ role: 'user', content: 'stream it' }] });

test('a stream that breaks before its first token fails over invisibly to the client', async () => {
  events.length = 0;
  sim.setFaults(simulatedUpstreams.openai, { streamCutAfterChunks: 0 });
  let text = '';
  for await (const chunk of await ask()) text += chunk.choices[0]?.delta.content ?? '';
  assert.ok(text.length > 10);
  assert.deepEqual(events.map((e) => [e.deployment, e.status, e.fallback_reason]), [
    ['openai-primary', 'error', 'none'],
    ['anthropic-backup', 'ok', 'network_error'],
  ]);
  assert.ok(events[1]!.ttft_ms! > 0);
  sim.clearFaults();
});

test('a stream cut after the first tokens ends with an error event and no [DONE], never a clean finish', async () => {
  events.length = 0;
  sim.setFaults(simulatedUpstreams.openai, { streamCutAfterChunks: 5 });
  const response = await fetch(`${baseUrl}/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'chat', stream: true, messages: [{ role: 'user', content: 'x' }] }),
  });
  assert.equal(response.status, 200);
  const body = await response.text();
  assert.doesNotMatch(body, /\[DONE\]/);
  assert.match(body, /"code":"stream_interrupted"/);
  await assert.rejects(async () => {
    for await (const _ of await ask()) void _;
  }, 'the official SDK surfaces the cut as an error');
  const attempt = events[0]!;
  assert.deepEqual([attempt.deployment, attempt.status, attempt.is_final, attempt.error_class], ['openai-primary', 'error', true, 'network']);
  assert.ok(attempt.output_tokens >= 1, 'partial output is recorded');
  assert.equal(events.filter((e) => e.request_id === attempt.request_id).length, 1, 'no failover after commit');
  sim.clearFaults();
});

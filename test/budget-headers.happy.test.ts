import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { simulatedRoutes, simulatedUpstreams } from '../cli/default-routes.ts';
import { parseRoutesConfig } from '../collector/config/routes-config.ts';
import { startSimulator } from '../collector/simulator/index.ts';
import { startBudgetPipeline } from './support/budget-pipeline.ts';

// x-switchyard-budget-* response headers through real HTTP and the official SDKs: on both faces
// (OpenAI chat and embeddings, Anthropic messages), streamed and not, on a 429 budget refusal;
// only the budgets the request is attributed to, never another team's; off on a route that says so.

const sha = (key: string) => createHash('sha256').update(key).digest('hex');
const decimalUsd = /^\d+\.\d{9}$/;
const nextUtcMidnight = () => {
  const d = new Date();
  return new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate() + 1)).toISOString();
};

let sim: Awaited<ReturnType<typeof startSimulator>>;
let pipeline: Awaited<ReturnType<typeof startBudgetPipeline>>;
let data: string;
let base: string;

before(async () => {
  data = mkdtempSync(join(tmpdir(), 'switchyard-budget-headers-'));
  sim = await startSimulator({ seed: 11 });
  const chat = simulatedRoutes((u, k) => sim.baseUrl(u, k)).routes[0]!.deployments;
  const embedding = {
    name: 'emb',
    provider: 'openai',
    base_url: sim.baseUrl(simulatedUpstreams.openai, 'openai'),
    api_key_env: 'SWITCHYARD_SIMULATOR_KEY',
    model: 'text-embedding-3-small',
    price: { input_per_mtok: '0.02', output_per_mtok: '0' },
  };
  const routes = parseRoutesConfig({
    keys: [
      { id: 'pay-key', sha256: sha('sk-pay'), team: 'payments' },
      { id: 'search-key', sha256: sha('sk-search'), team: 'search' },
    ],
    routes: [
      { name: 'chat', strategy: 'priority', deployments: [chat[1], chat[2]] },
      { name: 'embed', deployments: [embedding] },
      { name: 'quiet', budget_headers: false, deployments: [chat[2]] },
    ],
    budgets: {
      default_max_tokens: 50,
      headers: true,
      calendar: [
        { id: 'org-month', scope: 'org', period: 'month', limit_usd: '5' },
        { id: 'payments-day', scope: 'team', match: 'payments', period: 'day', limit_usd: '0.5' },
        { id: 'search-day', scope: 'team', match: 'search', period: 'day', limit_usd: '0.0004' },
      ],
    },
  });
  pipeline = await startBudgetPipeline(routes, data);
  base = pipeline.collectorUrl!;
});

after(async () => {
  await pipeline.stop();
  await sim.close();
  rmSync(data, { recursive: true, force: true });
});

function assertBudgetHeaders(h: Headers, id: string, limit: string, reset: string): number {
  assert.equal(h.get('x-switchyard-budget-id'), id);
  assert.equal(h.get('x-switchyard-budget-limit-usd'), limit);
  assert.equal(h.get('x-switchyard-budget-reset'), reset);
  const remaining = h.get('x-switchyard-budget-remaining-usd') ?? '';
  assert.match(remaining, decimalUsd);
  assert.ok(Number(remaining) < Number(limit), `remaining ${remaining} is below the limit after spending`);
  return Number(remaining);
}

test('OpenAI face: chat (plain and streamed) and embeddings answer with the tightest enclosing budget', async () => {
  const openai = new OpenAI({ baseURL: base, apiKey: 'sk-pay', maxRetries: 0 });
  const plain = await openai.chat.completions.create({ model: 'chat', messages: [{ role: 'user', content: 'hi' }], max_tokens: 20 }).withResponse();
  const first = assertBudgetHeaders(plain.response.headers, 'payments-day', '0.500000000', nextUtcMidnight());
  const streamed = await openai.chat.completions
    .create({ model: 'chat', messages: [{ role: 'user', content: 'hi' }], max_tokens: 20, stream: true })
    .withResponse();
  for await (const chunk of streamed.data) void chunk;
  const second = assertBudgetHeaders(streamed.response.headers, 'payments-day', '0.500000000', nextUtcMidnight());
  assert.ok(second < first, `the streamed request's worst case is held: ${second} < ${first}`);
  const emb = await openai.embeddings.create({ model: 'embed', input: ['a text to embed'] }).withResponse();
  assert.equal(emb.data.data.length, 1);
  assertBudgetHeaders(emb.response.headers, 'payments-day', '0.500000000', nextUtcMidnight());
});

test('Anthropic face: messages, plain and streamed, carry the same headers', async () => {
  const anthropic = new Anthropic({ baseURL: base.replace(/\/v1$/, ''), apiKey: 'sk-pay', maxRetries: 0 });
  const plain = await anthropic.messages.create({ model: 'chat', max_tokens: 20, messages: [{ role: 'user', content: 'hi' }] }).withResponse();
  assertBudgetHeaders(plain.response.headers, 'payments-day', '0.500000000', nextUtcMidnight());
  const streamed = await anthropic.messages.create({ model: 'chat', max_tokens: 20, messages: [{ role: 'user', content: 'hi' }], stream: true }).withResponse();
  for await (const event of streamed.data) void event;
  assertBudgetHeaders(streamed.response.headers, 'payments-day', '0.500000000', nextUtcMidnight());
});

test('a key never sees another team budget, even naming that team in a header; a route can turn the headers off', async () => {
  const openai = new OpenAI({ baseURL: base, apiKey: 'sk-pay', maxRetries: 0, defaultHeaders: { 'x-switchyard-team': 'search' } });
  const r = await openai.chat.completions.create({ model: 'chat', messages: [{ role: 'user', content: 'hi' }], max_tokens: 20 }).withResponse();
  assert.equal(r.response.headers.get('x-switchyard-budget-id'), 'payments-day');
  const quiet = await openai.chat.completions.create({ model: 'quiet', messages: [{ role: 'user', content: 'hi' }], max_tokens: 20 }).withResponse();
  assert.deepEqual(
    [...quiet.response.headers.keys()].filter((k) => k.startsWith('x-switchyard-budget')),
    [],
  );
});

test('a 429 budget refusal names the exhausted budget, with nothing (or less than one request) left and its reset', async () => {
  const openai = new OpenAI({ baseURL: base, apiKey: 'sk-search', maxRetries: 0 });
  let refusal: InstanceType<typeof OpenAI.APIError> | null = null;
  for (let i = 0; i < 40 && !refusal; i++) {
    try {
      await openai.chat.completions.create({ model: 'chat', messages: [{ role: 'user', content: 'spend' }], max_tokens: 50 });
    } catch (err) {
      if (!(err instanceof OpenAI.APIError)) throw err;
      refusal = err;
    }
  }
  assert.ok(refusal, 'the $0.0004 budget refused a request within 40');
  assert.equal(refusal.status, 429);
  const h = refusal.headers as Headers;
  assert.ok(Number(h.get('retry-after')) >= 1);
  const left = assertBudgetHeaders(h, 'search-day', '0.000400000', nextUtcMidnight());
  // Haiku's worst case for 50 output tokens and a short prompt, the cheaper Flash's far less: what is left fits neither.
  assert.ok(left < 0.0004, `left ${left}`);
});

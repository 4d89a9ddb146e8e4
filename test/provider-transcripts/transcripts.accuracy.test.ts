import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { json, sse, startMockUpstream } from '../provider-cases/support/mock-upstream.ts';
import { assembleOpenAI, at, post, startCaseCollector } from '../provider-cases/support/case-collector.ts';

// Recorded wire transcripts, one file per exchange, written from each provider's public API
// reference (the `source` of each file) — not from our simulator — so a format we misread
// cannot pass on both sides at once. Each is replayed as the provider's answer to a request
// through the OpenAI face; the file says what the client, the provider and the event must see.

interface Transcript {
  source: string;
  provider: 'openai' | 'anthropic' | 'gemini';
  model: string;
  client: Record<string, unknown>;
  upstream: { status: number; headers?: Record<string, string>; json?: unknown; sse?: Array<{ event?: string; data: unknown }> };
  expect: {
    status: number;
    content?: string;
    finish_reason?: string;
    tool_calls?: Array<{ id: string; name: string; arguments: string }>;
    client_usage?: Record<string, unknown>;
    error_code?: string;
    retry_after?: string;
    upstream_calls?: number;
    upstream_url?: string;
    upstream_request?: Record<string, unknown>;
    upstream_headers?: Record<string, string>;
    event?: Record<string, unknown>;
  };
}

/** Every key of `expected` is in `actual` with a matching value (arrays: same length, each matching). */
function assertSubset(actual: unknown, expected: unknown, path: string): void {
  if (Array.isArray(expected)) {
    assert.ok(Array.isArray(actual), `${path}: expected an array, got ${JSON.stringify(actual)}`);
    assert.equal(actual.length, expected.length, `${path}: length`);
    expected.forEach((e, i) => assertSubset(actual[i], e, `${path}.${i}`));
  } else if (expected !== null && typeof expected === 'object') {
    assert.ok(actual !== null && typeof actual === 'object', `${path}: expected an object, got ${JSON.stringify(actual)}`);
    for (const [k, v] of Object.entries(expected)) assertSubset((actual as Record<string, unknown>)[k], v, `${path}.${k}`);
  } else {
    assert.deepEqual(actual, expected, path);
  }
}

const dir = new URL('./fixtures/', import.meta.url);
const files = readdirSync(dir)
  .filter((f) => f.endsWith('.json'))
  .sort();

test('there is a transcript set for every provider', () => {
  for (const p of ['openai', 'anthropic', 'gemini']) assert.ok(files.filter((f) => f.startsWith(`${p}-`)).length >= 5, p);
});

for (const file of files) {
  const t = JSON.parse(readFileSync(new URL(file, dir), 'utf8')) as Transcript;
  test(`${file.replace(/\.json$/, '')} (${t.source})`, async () => {
    const upstream = await startMockUpstream((_req, res) => {
      if (t.upstream.sse) return sse(res, t.upstream.sse);
      json(res, t.upstream.status, t.upstream.json, t.upstream.headers);
    });
    const c = await startCaseCollector([
      { name: 't', deployments: [{ name: `t-${t.provider}`, provider: t.provider, base_url: upstream.origin, api_key_env: 'MOCK_KEY', model: t.model }] },
    ]);
    try {
      const stream = t.client['stream'] === true;
      const r = stream
        ? await fetch(`${c.origin}/v1/chat/completions`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ model: 't', ...t.client }),
          })
        : null;
      const plain = stream ? null : await post(`${c.origin}/v1/chat/completions`, { model: 't', ...t.client });
      const status = r?.status ?? plain!.status;
      const e = t.expect;
      assert.equal(status, e.status, `status: ${JSON.stringify(plain?.body)}`);
      if (r && status === 200) {
        const s = assembleOpenAI(await r.text());
        if (e.content !== undefined) assert.equal(s.content, e.content);
        if (e.finish_reason) assert.equal(s.finish, e.finish_reason);
        if (e.tool_calls) assert.deepEqual(s.toolCalls, e.tool_calls);
        if (e.client_usage) assertSubset(s.usage, e.client_usage, 'usage');
        assert.equal(s.done, true);
      } else if (plain && status === 200) {
        if (e.content !== undefined) assert.equal(at(plain.body, 'choices.0.message.content'), e.content);
        if (e.finish_reason) assert.equal(at(plain.body, 'choices.0.finish_reason'), e.finish_reason);
        if (e.tool_calls)
          assert.deepEqual(
            (at(plain.body, 'choices.0.message.tool_calls') as Array<{ id: string; function: { name: string; arguments: string } }>).map((c) => ({
              id: c.id,
              name: c.function.name,
              arguments: c.function.arguments,
            })),
            e.tool_calls,
          );
        if (e.client_usage) assertSubset(at(plain.body, 'usage'), e.client_usage, 'usage');
      }
      const errorBody = plain?.body ?? (r && status !== 200 ? await r.json() : null);
      if (e.error_code) assert.equal(at(errorBody, 'error.code'), e.error_code);
      if (e.retry_after) assert.equal((r?.headers ?? plain!.headers).get('retry-after'), e.retry_after);
      if (e.upstream_calls !== undefined) assert.equal(upstream.requests.length, e.upstream_calls);
      if (e.upstream_url) assert.equal(upstream.requests[0]!.url, e.upstream_url);
      if (e.upstream_request) assertSubset(upstream.requests[0]!.body, e.upstream_request, 'upstream request');
      if (e.upstream_headers) assertSubset(upstream.requests[0]!.headers, e.upstream_headers, 'upstream headers');
      if (e.event) assertSubset(c.events[c.events.length - 1], e.event, 'event');
    } finally {
      await c.close();
      await upstream.close();
    }
  });
}

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ATTEMPT_COLUMNS, toAttemptRow, toAttemptValues } from './attempt-row.ts';
import { sampleAttemptEvent } from '../test/support/sample-event.ts';

// ingest inserts values by position (JSONCompactEachRow in ATTEMPT_COLUMNS order): the compiler
// catches a swap of differently typed values, these tests one of two strings or two numbers.

/** Every field its own value, so a value in a neighbour's column cannot go unnoticed. */
const event = sampleAttemptEvent({
  attempt_id: '0190a5b0-0000-7000-8000-000000000001',
  request_id: '0190a5b0-0000-7000-8000-000000000002',
  attempt_no: 2,
  is_final: false,
  started_at: '2026-12-02T10:00:00.000Z',
  ended_at: '2026-12-02T10:00:01.500Z',
  ttft_ms: 120.5,
  latency_ms: 1500,
  route: 'route-a',
  requested_model: 'requested-b',
  provider: 'provider-c',
  deployment: 'deployment-d',
  model: 'model-e',
  region: 'region-f',
  is_stream: true,
  status: 'error',
  http_status: 503,
  error_class: 'server',
  fallback_reason: 'server_error',
  input_tokens: 1001,
  output_tokens: 1002,
  cached_input_tokens: 1003,
  reasoning_tokens: 1004,
  cost_usd: '0.000000000015',
  price_version: 'prices-g',
  cache_write_tokens: 1005,
  provider_fields: { system_fingerprint: 'fp-h' },
  tier: 'tier-i',
  pricing: { input_per_mtok: '1.1', cached_input_per_mtok: '1.2', cache_write_per_mtok: '1.3', output_per_mtok: '1.4' },
  list_pricing: { input_per_mtok: '2.1', cached_input_per_mtok: '2.2', cache_write_per_mtok: '2.3', output_per_mtok: '2.4' },
  cost_by_bucket: {
    input: '0.000000000001',
    cached_input: '0.000000000002',
    cache_write: '0.000000000003',
    output: '0.000000000004',
    reasoning: '0.000000000005',
  },
  list_cost_usd: '0.000000000016',
  tags: {
    team: 'team-j',
    project: 'project-k',
    feature: 'feature-l',
    user: 'user-m',
    api_key_id: 'key-n',
    environment: 'env-o',
    extra: { cost_center: 'cc-p' },
  },
  finish_reason: 'length',
  budget: { decision: 'delay', reserved_usd: '0.000000000017', delay_ms: 249.6, limited_by: 'budget-q' },
  content: { prompt: 'prompt-r', completion: 'completion-s' },
  usage_estimated: true,
  parity: 'schema_violation',
  shadow: { of: 'deployment-t', match: false, differences: ['finish_reason', 'tool_names'] },
});

test('every field of an event lands in its own column, by name', () => {
  assert.deepEqual(toAttemptRow(event), {
    schema_version: event.schema_version,
    attempt_id: '0190a5b0-0000-7000-8000-000000000001',
    request_id: '0190a5b0-0000-7000-8000-000000000002',
    attempt_no: 2,
    is_final: false,
    started_at: '2026-12-02T10:00:00.000Z',
    ended_at: '2026-12-02T10:00:01.500Z',
    ttft_ms: 120.5,
    latency_ms: 1500,
    route: 'route-a',
    requested_model: 'requested-b',
    provider: 'provider-c',
    deployment: 'deployment-d',
    model: 'model-e',
    region: 'region-f',
    is_stream: true,
    status: 'error',
    http_status: 503,
    error_class: 'server',
    fallback_reason: 'server_error',
    input_tokens: 1001,
    output_tokens: 1002,
    cached_input_tokens: 1003,
    reasoning_tokens: 1004,
    cost_usd: '0.000000000015',
    price_version: 'prices-g',
    cache_write_tokens: 1005,
    provider_fields: { system_fingerprint: 'fp-h' },
    tier: 'tier-i',
    input_per_mtok: '1.1',
    cached_input_per_mtok: '1.2',
    cache_write_per_mtok: '1.3',
    output_per_mtok: '1.4',
    list_input_per_mtok: '2.1',
    list_cached_input_per_mtok: '2.2',
    list_cache_write_per_mtok: '2.3',
    list_output_per_mtok: '2.4',
    input_cost_usd: '0.000000000001',
    cached_input_cost_usd: '0.000000000002',
    cache_write_cost_usd: '0.000000000003',
    output_cost_usd: '0.000000000004',
    reasoning_cost_usd: '0.000000000005',
    list_cost_usd: '0.000000000016',
    team: 'team-j',
    project: 'project-k',
    feature: 'feature-l',
    user: 'user-m',
    api_key_id: 'key-n',
    environment: 'env-o',
    tags_extra: { cost_center: 'cc-p' },
    finish_reason: 'length',
    budget_decision: 'delay',
    budget_reserved_usd: '0.000000000017',
    budget_delay_ms: 250,
    budget_limited_by: 'budget-q',
    prompt_text: 'prompt-r',
    completion_text: 'completion-s',
    usage_estimated: true,
    parity: 'schema_violation',
    shadow_of: 'deployment-t',
    shadow_match: false,
    shadow_differences: ['finish_reason', 'tool_names'],
  });
});

test('an event from before per-bucket pricing, parity and shadow traffic gets zero rates and buckets, list cost = cost, empty parity columns', () => {
  const legacy = sampleAttemptEvent({ cost_usd: '0.000000000042', error_class: null, finish_reason: null });
  const row = toAttemptRow(legacy);
  for (const column of ['input_per_mtok', 'list_output_per_mtok', 'input_cost_usd', 'reasoning_cost_usd'] as const) assert.equal(row[column], '0', column);
  assert.equal(row.list_cost_usd, '0.000000000042');
  assert.deepEqual([row.error_class, row.finish_reason, row.prompt_text, row.parity, row.shadow_of], ['', '', '', '', '']);
  assert.deepEqual([row.usage_estimated, row.shadow_match, row.shadow_differences], [false, false, []]);
});

test("the values ingest inserts end with the insert's offset range, one value per column", () => {
  const values = toAttemptValues(event, { source: 'attempts-topic', source_partition: 3, batch_first_offset: 40, batch_last_offset: 49 });
  assert.equal(values.length, ATTEMPT_COLUMNS.length);
  assert.deepEqual(ATTEMPT_COLUMNS.slice(-4), ['source', 'source_partition', 'batch_first_offset', 'batch_last_offset']);
  assert.deepEqual(values.slice(-4), ['attempts-topic', 3, 40, 49]);
  assert.equal(new Set(ATTEMPT_COLUMNS).size, ATTEMPT_COLUMNS.length, 'no column named twice');
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseRoutesConfig } from '../config/routes-config.ts';
import { ProviderError } from '../providers/provider.ts';
import { DeploymentBreakers } from '../resilience/deployment-breakers.ts';
import { DeploymentAvailability } from './deployment-availability.ts';
import { classifyAttemptFailure, failoverScope, planFailover } from './failover.ts';
import { InternalError } from './internal-error.ts';
import { RateLimitCooldowns } from './rate-limit-cooldowns.ts';
import { buildRouteTable } from './route-table.ts';

const config = (extra: Record<string, unknown> = {}) =>
  parseRoutesConfig({
    routes: [
      {
        name: 'r',
        ...extra,
        deployments: ['a', 'b'].map((name) => ({ name, provider: 'openai', base_url: 'http://127.0.0.1:1/v1', api_key_env: 'K', model: 'gpt-4o-mini' })),
      },
    ],
    retry: { max_attempts: 3, base_delay_ms: 10, max_delay_ms: 2000, request_timeout_ms: 60_000 },
  });

function setup(extra: Record<string, unknown> = {}) {
  let now = 1_000_000;
  const clock = { now: () => now };
  const cfg = config(extra);
  const route = buildRouteTable(cfg, { K: 'k' }).get('r')!;
  const availability = new DeploymentAvailability(
    new DeploymentBreakers({ failureThreshold: 0.5, windowMs: 10_000, minimumRps: 1, halfOpenAfterMs: 5000 }, () => {}, clock),
    new RateLimitCooldowns(clock),
  );
  const ctx = () => ({ route, retry: cfg.retry, deadlineMs: now + 60_000, availability, random: () => 0.5, now });
  return { route, order: route.deployments, availability, ctx, advance: (ms: number) => (now += ms) };
}

test('scopes: provider trouble retries anywhere, deployment limits only elsewhere, request errors nowhere; content filters only when the route opts in', () => {
  const route = config().routes[0]!;
  const optedIn = config({ content_filter_failover: true }).routes[0]!;
  const scope = (kind: ConstructorParameters<typeof ProviderError>[0], r = route) => failoverScope(new ProviderError(kind, 'x'), r);
  assert.deepEqual(
    ['rate_limited', 'overloaded', 'server', 'timeout', 'network'].map((k) => scope(k as never)),
    ['any', 'any', 'any', 'any', 'any'],
  );
  assert.deepEqual(
    ['invalid_response', 'context_length', 'unsupported_parameter'].map((k) => scope(k as never)),
    ['untried', 'untried', 'untried'],
  );
  assert.deepEqual(
    ['auth', 'invalid_request', 'content_filter'].map((k) => scope(k as never)),
    ['none', 'none', 'none'],
  );
  assert.equal(scope('content_filter', optedIn), 'untried');
});

test('a bare TimeoutError is a timeout; anything not a ProviderError is ours', () => {
  assert.equal((classifyAttemptFailure(new DOMException('t', 'TimeoutError')) as ProviderError).kind, 'timeout');
  assert.ok(classifyAttemptFailure(new TypeError('x')) instanceof InternalError);
  const p = new ProviderError('server', 'x');
  assert.equal(classifyAttemptFailure(p), p);
});

test('a Retry-After longer than the request may wait ends it; a short one is waited out on the same deployment', () => {
  const { route, order, availability, ctx, advance } = setup();
  const limited = new ProviderError('rate_limited', 'slow down', 429, 30_000);
  availability.noteRetryAfter(order[0]!, 30_000);
  availability.noteRetryAfter(order[1]!, 30_000);
  const out = planFailover(ctx(), limited, order, 1, new Set([order[0]!]), 1, order[0]!);
  assert.deepEqual([out.mayContinue, out.next], [false, null]);
  assert.equal(availability.soonestRetryMs(route, order), 30_000);
  advance(29_000);
  const soon = planFailover(ctx(), limited, order, 1, new Set(), 1, order[0]!);
  assert.deepEqual([soon.mayContinue, soon.next?.waitMs], [true, 1000], 'a second left: waited, not skipped');
  assert.ok(soon.delayMs >= 1000);
  advance(1000);
  assert.equal(availability.soonestRetryMs(route, order), null);
});

test('a deployment-specific failure goes at once to a deployment not tried yet, and nowhere when all were', () => {
  const { order, ctx } = setup();
  const tooLong = new ProviderError('context_length', 'maximum context length is 8192 tokens', 400);
  const next = planFailover(ctx(), tooLong, order, 1, new Set([order[0]!]), 1, order[0]!);
  assert.deepEqual([next.scope, next.next?.index, next.delayMs, next.mayContinue], ['untried', 1, 0, true]);
  const none = planFailover(ctx(), tooLong, order, 2, new Set(order), 2, order[1]!);
  assert.deepEqual([none.next, none.mayContinue], [null, false]);
});

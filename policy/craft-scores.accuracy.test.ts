import { test } from 'node:test';
import assert from 'node:assert/strict';
import { scoreRoute, type CraftScore } from './craft-scores.ts';
import { defaultPolicySettings as s } from './policy-settings.ts';
import { profile, route, steady, window } from './policy-fixtures.ts';
import type { DeploymentEvidence, RouteProfile } from './policy-inputs.ts';

const score = (r: RouteProfile, evidence: DeploymentEvidence[] = []) =>
  Object.fromEntries(scoreRoute(r, new Map(evidence.map((e) => [e.deployment, e])), s).map((c) => [c.deployment, c])) as Record<string, CraftScore>;
const item = (c: CraftScore, f: keyof CraftScore['factors'], name: string) => c.factors[f].evidence.find((e) => e.name === name)?.value;

test('Cost: cheapest effective price scores 1, others cheapest / own; retries and failures raise the effective price', () => {
  const by = score(route('r', [profile('a', { listUsdPerMtok: 1 }), profile('b', { listUsdPerMtok: 4 })]));
  assert.equal(by.a!.factors.cost.score, 1);
  assert.equal(by.b!.factors.cost.score, 0.2519); // (1 + 0.01) / (4 + 0.01)
  const flaky = score(route('r', [profile('a'), profile('b')]), [
    steady('r', 'a', window(30, 100, { costUsd: 0.1, tokens: 100_000 }), 1),
    steady('r', 'b', window(30, 100, { serverErrors: 100, costUsd: 0.1, tokens: 100_000 }), 1),
  ]);
  assert.ok(item(flaky.b!, 'cost', 'attempts_per_success')! > 1.8);
  assert.ok(flaky.b!.factors.cost.score < 0.6);
  assert.equal(flaky.a!.factors.cost.score, 1);
});

test('Cost: the observed price outweighs the list price once there are enough tokens', () => {
  const by = score(route('r', [profile('a', { listUsdPerMtok: 1 }), profile('b', { listUsdPerMtok: 1 })]), [
    steady('r', 'a', window(300, 1000, { costUsd: 10, tokens: 1_000_000 }), 1), // $10 per 1M observed
  ]);
  const eff = item(by.a!, 'cost', 'effective_usd_per_mtok')!;
  assert.ok(eff > 9 && eff < 10, String(eff)); // 1M/(1M + 100k) × 10 + 100k/1.1M × 1
  assert.ok(by.a!.factors.cost.score < 0.12);
});

test('Reliability: client errors are excluded, 429s count half, no evidence is neutral', () => {
  // One deployment with evidence per route: nothing to pool with, so the Beta prior alone.
  const one = (d: string, w: ReturnType<typeof window>) => score(route(d, [profile(d), profile('d')]), [steady(d, d, w, 1)]);
  const by = {
    a: one('a', window(30, 100, { clientErrors: 400 })).a,
    b: one('b', window(30, 80, { rateLimited: 20 })).b,
    c: one('c', window(30, 80, { serverErrors: 20 })).c,
    d: one('a', window(30, 100)).d,
  };
  assert.equal(by.a!.factors.reliability.score, 1);
  assert.equal(by.d!.factors.reliability.score, 1, 'prior: 0.99 success with no evidence');
  // b: (80 + 4.95) / (80 + 10 + 5) = 0.894 → (0.894 − 0.5) / 0.45 = 0.876; c: 84.95 / 105 = 0.809 → 0.687.
  assert.equal(by.b!.factors.reliability.score, 0.876);
  assert.equal(by.c!.factors.reliability.score, 0.6868);
  assert.equal(by.c!.factors.reliability.windowS, 3600);
});

test('Availability: healthy share of observed minutes, with 5 healthy pseudo-minutes', () => {
  const by = score(route('r', [profile('a'), profile('b')]), [steady('r', 'a', window(30, 10), 10, { observed: 55, healthy: 40 })]);
  assert.equal(by.a!.factors.availability.score, 0.75);
  assert.equal(by.b!.factors.availability.score, 1);
  assert.equal(by.a!.factors.availability.windowS, 3600);
});

test('Flexibility: capability coverage, context window against the widest in the route', () => {
  const by = score(
    route('r', [
      profile('full', { capabilities: { tools: true, vision: true, jsonMode: true, streaming: true, contextWindow: 200_000 } }),
      profile('small', { capabilities: { tools: true, vision: false, jsonMode: true, streaming: true, contextWindow: 50_000 }, region: '' }),
    ]),
  );
  assert.equal(by.full!.factors.flexibility.score, 1);
  assert.equal(by.small!.factors.flexibility.score, 0.5417); // (1 + 0 + 1 + 1 + 0.25 + 0) / 6
});

test('Trust: configured terms times an anomaly factor for content-filter refusals', () => {
  const by = score(route('r', [profile('a'), profile('b', { trust: { dataUsage: 'may_train', compliance: [], residencyGuaranteed: false } }), profile('c')]), [
    steady('r', 'c', window(30, 80, { contentFiltered: 20 }), 1),
  ]);
  assert.equal(by.a!.factors.trust.score, 1);
  assert.equal(by.b!.factors.trust.score, 0);
  // 20 / (100 + 5) refused → 1 − 5 × 0.1905 = 0.0476
  assert.equal(by.c!.factors.trust.score, 0.0476);
});

test('Trust: answers served although the provider cut them for content count like refusals (found: a served content filter was invisible to Trust)', () => {
  const by = score(route('r', [profile('refused'), profile('served'), profile('clean')]), [
    steady('r', 'refused', window(30, 90, { contentFiltered: 10 }), 1),
    // The same 10 filtered answers, served: they are among the 100 ok attempts.
    steady('r', 'served', window(30, 100, { servedContentFiltered: 10 }), 1),
    steady('r', 'clean', window(30, 100), 1),
  ]);
  assert.equal(by.clean!.factors.trust.score, 1);
  // 10 / (100 + 5) → 1 − 5 × 0.0952 = 0.5238, whether the filtered answers failed over or were served.
  assert.equal(by.refused!.factors.trust.score, 0.5238);
  assert.equal(by.served!.factors.trust.score, 0.5238);
  const evidence = Object.fromEntries(by.served!.factors.trust.evidence.map((e) => [e.name, e.value]));
  assert.equal(evidence.content_filtered_served, 10);
});

test('Trust: answers that break their contract (parity) lower it, Beta-smoothed so a few checks barely move it', () => {
  const by = score(route('r', [profile('clean'), profile('broken'), profile('thin')]), [
    steady('r', 'clean', window(30, 100, { parity: { checked: 100, ok: 100 } }), 1),
    steady('r', 'broken', window(30, 100, { parity: { checked: 95, ok: 45 } }), 1),
    steady('r', 'thin', window(30, 100, { parity: { checked: 1, ok: 0 } }), 1),
  ]);
  assert.equal(by.clean!.factors.trust.score, 1);
  // (45 + 5) / (95 + 5) = 0.5
  assert.equal(by.broken!.factors.trust.score, 0.5);
  assert.equal(item(by.broken!, 'trust', 'parity_factor'), 0.5);
  // (0 + 5) / (1 + 5) = 0.8333
  assert.equal(by.thin!.factors.trust.score, 0.8333);
  assert.ok(by.clean!.composite > by.broken!.composite);
});

test('Composite uses the route factor weights: a batch route prefers the cheap one more than an interactive route', () => {
  const deployments = [
    profile('cheap', { listUsdPerMtok: 0.2 }),
    profile('dear', { listUsdPerMtok: 2, capabilities: { tools: true, vision: true, jsonMode: true, streaming: true, contextWindow: null } }),
  ];
  const batch = score(route('r', deployments, 'batch'));
  const interactive = score(route('r', deployments, 'interactive'));
  const gap = (b: Record<string, CraftScore>) => b.cheap!.composite - b.dear!.composite;
  assert.ok(gap(batch) > gap(interactive) && gap(interactive) > 0);
  assert.equal(batch.cheap!.composite, 1);
});

test('Reliability pools a route: rates that differ by no more than sampling noise score alike, real differences stay (found case: policy bench craft misses)', () => {
  // Same true success (70 %), sampled 1200 times each: 858 vs 822 ok is a 2σ draw. Unpooled,
  // Reliability 0.49 vs 0.41 (and Cost's retries the same way) outweighed the +0.025 composite the
  // truly better one (no-training terms) has, and CRAFT ranked the wrong one first.
  const noTraining = { dataUsage: 'no_training' as const, compliance: [], residencyGuaranteed: false };
  const unknown = { ...noTraining, dataUsage: 'unknown' as const };
  const r = route('r', [profile('p', { trust: unknown }), profile('q', { trust: noTraining })]);
  const sample = (p: number, q: number) =>
    score(r, [steady('r', 'p', window(3600, p, { serverErrors: 1200 - p }), 1), steady('r', 'q', window(3600, q, { serverErrors: 1200 - q }), 1)]);
  const twoSigma = sample(858, 822);
  assert.ok(item(twoSigma.p!, 'reliability', 'own_deviation_kept')! < 0.65);
  assert.ok(twoSigma.q!.composite > twoSigma.p!.composite, `${twoSigma.q!.composite} > ${twoSigma.p!.composite}`);
  // A 1σ draw is almost all noise: nearly the same Reliability.
  const oneSigma = sample(852, 828);
  assert.ok(Math.abs(oneSigma.p!.factors.reliability.score - oneSigma.q!.factors.reliability.score) < 0.01);
  // 70 % against 80 % over 1200 attempts each is 5σ: kept almost whole.
  const real = sample(840, 960);
  assert.ok(item(real.q!, 'reliability', 'own_deviation_kept')! > 0.9);
  assert.ok(real.q!.factors.reliability.score - real.p!.factors.reliability.score > 0.2);
});

import { countPromptTokens } from '../collector/budget/prompt-tokens.ts';
import { actualNano, worstCaseNano } from '../collector/budget/worst-case-cost.ts';
import type { PriceSheet } from '../collector/pricing/price-sheet.ts';

/** What the attack's clients saw, nanodollars as the provider billed (priced with the route's sheet). */
export interface AttackTally {
  served: number;
  refused: number;
  otherStatuses: Record<string, number>;
  spentNano: number;
  maxWorstNano: number;
}

interface ChatUsage {
  usage?: { prompt_tokens?: number; completion_tokens?: number };
}

// A deterministic stream of request shapes: worst cases vary with max_tokens and prompt length.
let seed = 7;
const random = () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;

/**
 * One attacking client: requests on `url` with bearer `key` until three refusals in a row, each
 * refusal honoured for its Retry-After (capped at `maxWaitMs`: a period's end is far away).
 */
export async function attackClient(url: string, key: string, sheet: PriceSheet, tally: AttackTally, maxWaitMs: number): Promise<void> {
  for (let refusalsInARow = 0; refusalsInARow < 3;) {
    const maxTokens = 20 + Math.floor(random() * 80);
    const messages = [{ role: 'user' as const, content: `spend ${'a little more '.repeat(1 + Math.floor(random() * 20))}` }];
    tally.maxWorstNano = Math.max(
      tally.maxWorstNano,
      worstCaseNano(countPromptTokens({ model: 'chat', messages, max_tokens: maxTokens, stream: false }), maxTokens, sheet),
    );
    const r = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
      body: JSON.stringify({ model: 'chat', messages, max_tokens: maxTokens }),
    });
    if (r.status === 200) {
      const { usage } = (await r.json()) as ChatUsage;
      const billed = {
        inputTokens: usage?.prompt_tokens ?? 0,
        cachedInputTokens: 0,
        cacheWriteTokens: 0,
        outputTokens: usage?.completion_tokens ?? 0,
        reasoningTokens: 0,
      };
      tally.spentNano += actualNano(billed, sheet);
      tally.served++;
      refusalsInARow = 0;
      continue;
    }
    await r.text();
    if (r.status !== 429) {
      tally.otherStatuses[r.status] = (tally.otherStatuses[r.status] ?? 0) + 1;
      continue;
    }
    tally.refused++;
    refusalsInARow++;
    await new Promise((res) => setTimeout(res, Math.min(maxWaitMs, Number(r.headers.get('retry-after') ?? 1) * 1000)));
  }
}

/** The steady phase's request shape (the bench prices the same one in-process). */
export const STEADY_MAX_TOKENS = 40;
export const steadyMessages = (i: number) => [{ role: 'user' as const, content: `steady ${i}` }];

/**
 * One steady client: `n` answered requests on `url` with bearer `key`, pushing the collector's own
 * overhead of each (x-switchyard-overhead-ms), µs. A 429 (a collector with no lease yet while the
 * grantor is slow: fail closed) is waited out and counted in `refusals`.
 */
export async function overheadClient(url: string, key: string, n: number, into: number[], refusals: { count: number }): Promise<void> {
  for (let i = 0; i < n;) {
    const r = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
      body: JSON.stringify({ model: 'chat', messages: steadyMessages(i), max_tokens: STEADY_MAX_TOKENS }),
    });
    await r.text();
    if (r.status === 429) {
      refusals.count++;
      await new Promise((res) => setTimeout(res, Math.min(3000, Number(r.headers.get('retry-after') ?? 1) * 1000)));
      continue;
    }
    if (r.status !== 200) throw new Error(`steady request answered ${r.status}`);
    // The first two of each client are the cold start (no lease yet on that collector).
    if (i >= 2) into.push(Number(r.headers.get('x-switchyard-overhead-ms')) * 1000);
    i++;
  }
}

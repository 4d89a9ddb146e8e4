import { seededRandom } from '../collector/simulator/random.ts';
import type { MinuteBucket } from '../policy/alerts/source/memory-window-source.ts';

/** An injected anomaly: what it is, when it starts and ends (epoch ms) and the detector meant to catch it. */
export interface InjectedAnomaly {
  name: string;
  detector: string;
  startMs: number;
  endMs: number;
}

export const DAY_MS = 86_400_000;
const MIN_MS = 60_000;

const TEAMS = [
  { team: 'search', peakPerMin: 40, costPerReq: 0.006 },
  { team: 'payments', peakPerMin: 20, costPerReq: 0.01 },
  { team: 'support', peakPerMin: 8, costPerReq: 0.004 },
];
const KEY_SHARES = [0.5, 0.3, 0.2];
const DEPLOYMENTS = [
  { provider: 'openai', deployment: 'openai-4o', p99: 2400, ttft: 450 },
  { provider: 'anthropic', deployment: 'anthropic-sonnet', p99: 3000, ttft: 600 },
  { provider: 'gemini', deployment: 'gemini-flash', p99: 1800, ttft: 350 },
];

/**
 * A month of per-minute rollup rows starting on a Monday: diurnal traffic (quiet nights, a
 * mid-afternoon peak), weekends at 45 %, every Monday 30 % above other weekdays, a holiday at
 * 30 %, Poisson request counts and log-normal request costs; plus four anomalies of known start.
 */
export function simulateMonth(startMs: number, days: number, seed = 42): { buckets: MinuteBucket[]; anomalies: InjectedAnomaly[] } {
  const rnd = seededRandom(seed);
  const normal = () => Math.sqrt(-2 * Math.log(rnd() || 1e-12)) * Math.cos(2 * Math.PI * rnd());
  const poisson = (lambda: number) => {
    if (lambda > 30) return Math.max(0, Math.round(lambda + Math.sqrt(lambda) * normal()));
    let k = 0;
    for (let p = rnd(), l = Math.exp(-lambda); p > l; p *= rnd()) k++;
    return k;
  };
  // Sum of n log-normal costs (σ = 0.5): mean n·μ, sd √n·μ·0.53.
  const cost = (n: number, mean: number) => Math.max(0, n * mean + Math.sqrt(n) * mean * 0.53 * normal());
  const at = (day: number, hour: number, minute: number) => startMs + day * DAY_MS + (hour * 60 + minute) * MIN_MS;
  const anomalies: InjectedAnomaly[] = [
    { name: 'spend_spike_3x', detector: 'spend_spike', startMs: at(9, 14, 7), endMs: at(9, 14, 52) },
    { name: 'key_draining_budget', detector: 'denial_of_wallet', startMs: at(15, 3, 0), endMs: at(15, 6, 0) },
    { name: 'provider_429_storm', detector: 'rate_limit_spike', startMs: at(20, 10, 20), endMs: at(20, 10, 50) },
    { name: 'p99_regression', detector: 'p99_latency_regression', startMs: at(24, 16, 40), endMs: at(24, 17, 40) },
  ];
  const holiday = 17; // a Thursday
  const inside = (name: string, t: number) => {
    const a = anomalies.find((x) => x.name === name)!;
    return t >= a.startMs && t < a.endMs;
  };
  const buckets: MinuteBucket[] = [];
  for (let m = 0; m < days * 1440; m++) {
    const t = startMs + m * MIN_MS;
    const day = Math.floor(m / 1440);
    const hour = (m % 1440) / 60;
    const weekday = day % 7; // 0 = Monday
    const diurnal = hour >= 6 && hour <= 22 ? 0.25 + 0.75 * Math.sin((Math.PI * (hour - 6)) / 16) : 0.25;
    const weekly = weekday >= 5 ? 0.45 : weekday === 0 ? 1.3 : 1;
    const load = diurnal * weekly * (day === holiday ? 0.3 : 1);
    let total = 0;
    for (const { team, peakPerMin, costPerReq } of TEAMS) {
      KEY_SHARES.forEach((share, k) => {
        const key = `${team}-k${k + 1}`;
        let lambda = peakPerMin * load * share;
        if (team === 'search' && inside('spend_spike_3x', t)) lambda *= 3;
        if (key === 'payments-k3' && inside('key_draining_budget', t)) lambda *= 15;
        const n = poisson(lambda);
        total += n;
        buckets.push(row(t, { team, api_key_id: key }, { requests: n, spend_usd: cost(n, costPerReq), tokens: n * 900 }));
      });
    }
    const perDeployment = total / DEPLOYMENTS.length;
    const storm = inside('provider_429_storm', t);
    for (const d of DEPLOYMENTS) {
      const attempts = poisson(perDeployment);
      const limited = d.provider === 'anthropic' && storm ? Math.round(attempts * 0.4) : poisson(attempts * 0.005);
      // The storm's 429s fail over to the other two providers: extra attempts there, each a fallback.
      const failedOver = storm && d.provider !== 'anthropic' ? Math.round((perDeployment * 0.4) / 2) : 0;
      const slow = d.deployment === 'gemini-flash' && inside('p99_regression', t) ? 2.5 : 1;
      const jitter = () => 1 + 0.08 * normal();
      buckets.push(
        row(
          t,
          { route: 'chat', provider: d.provider, deployment: d.deployment },
          {
            attempts: attempts + failedOver,
            errors: poisson(attempts * 0.01),
            rate_limited: limited,
            fallbacks: poisson(attempts * 0.01) + failedOver,
            p95_latency_ms: d.p99 * 0.6 * (1 + 0.2 * diurnal) * jitter() * slow,
            p99_latency_ms: d.p99 * (1 + 0.2 * diurnal) * jitter() * slow,
            p95_ttft_ms: d.ttft * jitter(),
            p99_ttft_ms: d.ttft * 1.5 * jitter(),
          },
        ),
      );
    }
  }
  return { buckets, anomalies };
}

function row(minuteMs: number, dims: MinuteBucket['dims'], c: Partial<MinuteBucket>): MinuteBucket {
  return {
    minuteMs,
    dims,
    requests: 0,
    attempts: 0,
    errors: 0,
    fallbacks: 0,
    rate_limited: 0,
    final_failures: 0,
    spend_usd: 0,
    tokens: 0,
    p95_latency_ms: 0,
    p99_latency_ms: 0,
    p95_ttft_ms: 0,
    p99_ttft_ms: 0,
    ...c,
  };
}

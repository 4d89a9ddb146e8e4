import { parseArgs } from 'node:util';
import { round, runSeed, WARMUP_DAYS } from './alerts-bench-run.ts';

// Detection quality of the built-in detectors and the noise of their notifications over
// simulated months (one per seed), on a simulated clock: the same evaluator, rules, grouping and
// notification log as production, fed from in-memory per-minute rollups. Prints one JSON object:
// each seed's figures and the worst case over the seeds.

const { values } = parseArgs({
  options: {
    days: { type: 'string', default: '30' },
    seeds: { type: 'string', default: '7,42,1,2,3' },
    seed: { type: 'string' },
    json: { type: 'boolean', default: false },
  },
});
const DAYS = Number(values.days);
const START = Date.UTC(2026, 10, 2); // a Monday
const seeds = (values.seed ?? values.seeds).split(',').map(Number);
if (seeds.some((s) => !Number.isInteger(s))) throw new Error(`--seeds must be integers separated by commas, got "${values.seeds}"`);

const started = performance.now();
const perSeed: Array<{ seed: number } & Awaited<ReturnType<typeof runSeed>>> = [];
for (const seed of seeds) perSeed.push({ seed, ...(await runSeed(seed, DAYS, START)) });
const delays = (name: string) => perSeed.map((s) => s.anomalies.find((a) => a.name === name)?.detection_delay_s ?? Infinity);
const result = {
  bench: 'alerts',
  simulated_days: DAYS,
  evaluated_days: DAYS - WARMUP_DAYS,
  seeds,
  worst: {
    false_alerts_per_week: Math.max(...perSeed.map((s) => s.false_alerts_per_week)),
    precision: Math.min(...perSeed.map((s) => s.precision)),
    recall: Math.min(...perSeed.map((s) => s.recall)),
    spend_spike_3x_delay_s: Math.max(...delays('spend_spike_3x')),
    alerting_messages_per_incident: Math.max(...perSeed.map((s) => s.alerting_messages_per_incident)),
    max_alerting_messages_one_incident: Math.max(...perSeed.map((s) => s.max_alerting_messages_one_incident)),
    messages_per_incident: Math.max(...perSeed.map((s) => s.messages_per_incident)),
    notifications_sent: Math.max(...perSeed.map((s) => s.notifications_sent)),
  },
  mean: {
    false_alerts_per_week: round(perSeed.reduce((a, s) => a + s.false_alerts_per_week, 0) / perSeed.length),
    precision: round(perSeed.reduce((a, s) => a + s.precision, 0) / perSeed.length),
  },
  per_seed: perSeed,
  evaluation_seconds: round((performance.now() - started) / 1000),
};
console.log(values.json ? JSON.stringify(result) : JSON.stringify(result, null, 2));

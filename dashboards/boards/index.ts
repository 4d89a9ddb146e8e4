import type { Dashboard } from '@grafana/grafana-foundation-sdk/dashboard';
import { alertsBoard } from './alerts-board.ts';
import { latencyBoard } from './latency-board.ts';
import { reliabilityBoard } from './reliability-board.ts';
import { routingBoard } from './routing-board.ts';
import { spendBoard } from './spend-board.ts';

/** Every board, built: file name (without `.json`) → the dashboard model Grafana provisions. */
export function allBoards(): Record<string, Dashboard> {
  return {
    spend: spendBoard().build(),
    reliability: reliabilityBoard().build(),
    latency: latencyBoard().build(),
    routing: routingBoard().build(),
    alerts: alertsBoard().build(),
  };
}

/** The JSON text committed under `dashboards/generated/`, stable for review diffs. */
export function boardJson(board: Dashboard): string {
  return `${JSON.stringify(board, null, 2)}\n`;
}

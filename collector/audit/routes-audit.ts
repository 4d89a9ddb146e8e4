import { createHash, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import type { ClickHouseClient } from '../../core/clickhouse/client.ts';
import { systemClock, type Clock } from '../../core/clock.ts';
import type { RoutesConfig } from '../config/routes-config.ts';
import type { ReloadResult } from '../config/routes-reloader.ts';
import { diffRoutes, type RoutesDiff } from './routes-diff.ts';

/** One routes-file reload as `deployment_audit_v1` keeps it (migration 0113). */
export interface RoutesAuditEntry {
  audit_id: string;
  at: string;
  kind: 'routes_reload' | 'routes_reload_refused';
  host: string;
  pid: number;
  service: string;
  file: string;
  checksum: string;
  diff: string;
  reason: string;
}

/** Where reload entries go: ClickHouse when the process has a client, else a log line. */
export type RoutesAuditSink = (entry: RoutesAuditEntry) => Promise<void>;

export function clickHouseRoutesAuditSink(client: ClickHouseClient): RoutesAuditSink {
  return async (entry) => {
    await client.insert({ table: 'deployment_audit_v1', values: [entry], format: 'JSONEachRow' });
  };
}

/**
 * Records every routes-file reload the reloader reports: applied ones with the structured diff
 * against the config that was running, refused ones with the reason. Keeps the running config
 * so the next diff is against what actually served. A failed write is logged (the reload itself
 * has already happened and must not be undone by the audit).
 */
export class RoutesAudit {
  private running: RoutesConfig;
  /** The last refusal recorded: a file that stays broken is polled every second, recorded once. */
  private lastRefusal = '';

  constructor(
    private readonly options: { file: string; initial: RoutesConfig; sink: RoutesAuditSink; service?: string; clock?: Clock; log?: (message: string) => void },
  ) {
    this.running = options.initial;
  }

  /** Pass as the reloader's onReload; returns the write so tests can await it. */
  observe = (result: ReloadResult): Promise<void> => {
    if (result.ok === null) return Promise.resolve();
    const checksum = checksumOf(this.options.file);
    if (!result.ok && this.lastRefusal === `${checksum}\n${result.error}`) return Promise.resolve();
    this.lastRefusal = result.ok ? '' : `${checksum}\n${result.error}`;
    const diff: RoutesDiff | null = result.ok ? diffRoutes(this.running, result.config) : null;
    if (result.ok) this.running = result.config;
    const entry: RoutesAuditEntry = {
      audit_id: randomUUID(),
      at: new Date((this.options.clock ?? systemClock).now()).toISOString().replace('T', ' ').replace('Z', ''),
      kind: result.ok ? 'routes_reload' : 'routes_reload_refused',
      host: hostname(),
      pid: process.pid,
      service: this.options.service ?? 'collector',
      file: this.options.file,
      checksum,
      diff: JSON.stringify(diff ?? {}),
      reason: result.ok ? '' : result.error,
    };
    return this.options
      .sink(entry)
      .catch((err: unknown) => this.options.log?.(`audit: could not record the routes reload (${entry.kind}): ${(err as Error).message}`));
  };
}

function checksumOf(path: string): string {
  try {
    return createHash('sha256').update(readFileSync(path)).digest('hex');
  } catch {
    return '';
  }
}

import type { ClickHouseClient } from '../../core/clickhouse/client.ts';
import type { Clock } from '../../core/clock.ts';
import { PeriodicTask } from '../../core/periodic-task.ts';

/**
 * Revoked API token ids, from `api_token_revocations`. A revocation made here applies at once in
 * this process; other API processes pick it up at their next refresh (`refreshMs`).
 */
export class TokenRevocations {
  private revoked = new Set<string>();
  private readonly loop: PeriodicTask;

  constructor(
    private readonly clickhouse: ClickHouseClient,
    private readonly clock: Clock,
    private readonly log: (message: string) => void,
    refreshMs = 10_000,
  ) {
    this.loop = new PeriodicTask(
      () => this.refresh().catch((err: unknown) => this.log(`api: cannot refresh token revocations (${(err as Error).message}); keeping the last list`)),
      refreshMs,
    );
  }

  isRevoked = (tokenId: string): boolean => this.revoked.has(tokenId);

  /** Loads the list once (so no revoked token slips in at startup), then refreshes it periodically. */
  async start(): Promise<void> {
    await this.refresh();
    this.loop.start();
  }

  stop(): Promise<void> {
    return this.loop.stop();
  }

  async refresh(): Promise<void> {
    const result = await this.clickhouse.query({ query: 'SELECT DISTINCT token_id FROM api_token_revocations', format: 'JSONEachRow' });
    const rows = await result.json<{ token_id: string }>();
    // Revocations are never undone, so what we have stays even if a refresh races a revoke.
    for (const r of rows) this.revoked.add(r.token_id);
  }

  async revoke(tokenId: string, by: string, reason: string): Promise<void> {
    await this.clickhouse.insert({
      table: 'api_token_revocations',
      values: [{ token_id: tokenId, revoked_at: new Date(this.clock.now()).toISOString(), revoked_by: by, reason }],
      format: 'JSONEachRow',
    });
    this.revoked.add(tokenId);
  }
}

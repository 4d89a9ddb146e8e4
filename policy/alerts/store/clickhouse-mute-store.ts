import type { ClickHouseClient } from '../../../core/clickhouse/client.ts';
import type { Acknowledgement, Silence } from '../notify/silences.ts';
import { clientRows, fromChTime, chTime, type RowReader } from '../../row-reader.ts';
import type { MuteStore } from './mute-store.ts';

/** Silences (alert_silences_v1) and acknowledgements (alert_acks_v1) in ClickHouse. */
export class ClickHouseMuteStore implements MuteStore {
  /** `rows` runs the reads (the API passes its read-only, time-boxed reader); writes go through `ch`. */
  constructor(
    private readonly ch: ClickHouseClient,
    private readonly rows: RowReader = clientRows(ch),
  ) {}

  private read(o: { query: string; query_params?: Record<string, unknown> }): Promise<unknown[]> {
    return this.rows<unknown>(o.query, o.query_params ?? {});
  }

  async silences(now: number): Promise<Silence[]> {
    const r = await this.read({
      query: `SELECT * FROM alert_silences_v1 FINAL WHERE ends_at > fromUnixTimestamp64Milli({now:Int64}, 'UTC') ORDER BY starts_at`,
      query_params: { now },
    });
    type Row = { silence_id: string; matchers: Record<string, string>; starts_at: string; ends_at: string; created_by: string; comment: string };
    return (r as Row[]).map((x) => ({
      id: x.silence_id,
      matchers: x.matchers,
      startsAt: fromChTime(x.starts_at),
      endsAt: fromChTime(x.ends_at),
      createdBy: x.created_by,
      comment: x.comment,
    }));
  }

  async addSilence(s: Silence, at: number): Promise<void> {
    await this.write(s, at);
  }

  async expireSilence(id: string, at: number): Promise<boolean> {
    const s = (await this.silences(0)).find((x) => x.id === id);
    if (!s) return false;
    await this.write({ ...s, endsAt: Math.min(s.endsAt, at) }, at);
    return true;
  }

  async acknowledgements(): Promise<Acknowledgement[]> {
    const r = await this.read({ query: `SELECT * FROM alert_acks_v1 FINAL` });
    type Row = { fingerprint: string; episode_start: string; acked_by: string; acked_at: string; comment: string };
    return (r as Row[]).map((x) => ({
      fingerprint: x.fingerprint,
      episodeStart: fromChTime(x.episode_start),
      ackedBy: x.acked_by,
      ackedAt: fromChTime(x.acked_at),
      comment: x.comment,
    }));
  }

  async acknowledge(a: Acknowledgement): Promise<void> {
    await this.ch.insert({
      table: 'alert_acks_v1',
      format: 'JSONEachRow',
      values: [{ fingerprint: a.fingerprint, episode_start: chTime(a.episodeStart), acked_by: a.ackedBy, acked_at: chTime(a.ackedAt), comment: a.comment }],
    });
  }

  private async write(s: Silence, at: number): Promise<void> {
    await this.ch.insert({
      table: 'alert_silences_v1',
      format: 'JSONEachRow',
      values: [
        {
          silence_id: s.id,
          matchers: s.matchers,
          starts_at: chTime(s.startsAt),
          ends_at: chTime(s.endsAt),
          created_by: s.createdBy,
          comment: s.comment,
          version: at,
        },
      ],
    });
  }
}

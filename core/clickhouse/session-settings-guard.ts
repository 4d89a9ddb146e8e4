import type { Connection } from '@clickhouse/client-common';

type Call = 'query' | 'insert' | 'command' | 'exec';
const calls: readonly Call[] = ['query', 'insert', 'command', 'exec'];

/**
 * chDB's connection applies a call's `clickhouse_settings` as session `SET`s in front of the SQL,
 * and the embedded session outlives the call: an `insert_deduplication_token` then sticks to
 * every later insert (which ClickHouse drops as duplicates of the first: silent loss), and
 * `readonly` or `max_execution_time` from an API read sticks to ingest. Over HTTP each query
 * has its own settings, so this restores that contract for the embedded engine: calls run one at
 * a time (the session runs one query at a time anyway), and after a call every per-call setting
 * is `SET … = DEFAULT` again before the next call starts.
 *
 * @param clientSettings names set for every call at client level (same value each time, so left alone)
 */
export function guardSessionSettings<S>(connection: Connection<S>, clientSettings: readonly string[]): Connection<S> {
  const keep = new Set(clientSettings);
  let engineSettings: Promise<Set<string>> | null = null;
  let tail: Promise<unknown> = Promise.resolve();

  /** The engine's own setting names: HTTP-layer ones (chDB drops them) must not be reset. */
  const known = () =>
    (engineSettings ??= connection
      .query({ query: 'SELECT name FROM system.settings FORMAT TabSeparated', query_id: crypto.randomUUID() } as Parameters<Connection<S>['query']>[0])
      .then(
        async (r) =>
          new Set(
            String(await readAll(r.stream))
              .split('\n')
              .filter(Boolean),
          ),
      ));

  async function reset(settings: Record<string, unknown> | undefined): Promise<void> {
    const names = Object.keys(settings ?? {}).filter((k) => !keep.has(k) && settings![k] !== undefined);
    if (names.length === 0) return;
    const engine = await known();
    const resettable = names.filter((n) => engine.has(n));
    if (resettable.length > 0)
      await connection.command({ query: `SET ${resettable.map((n) => `${n} = DEFAULT`).join(', ')}`, query_id: crypto.randomUUID() } as Parameters<
        Connection<S>['command']
      >[0]);
  }

  function serialized<P extends { clickhouse_settings?: Record<string, unknown> }, R>(run: (params: P) => Promise<R>) {
    return (params: P): Promise<R> => {
      // readonly = 1 also forbids the SET that restores the session, locking it for every later call.
      if (String(params.clickhouse_settings?.readonly ?? '') === '1') {
        return Promise.reject(
          new Error('clickhouse_settings.readonly = 1 would lock the embedded session; use readonly = 2 (writes and DDL refused, settings allowed)'),
        );
      }
      const result = tail.then(async () => {
        try {
          return await run(params);
        } finally {
          await reset(params.clickhouse_settings);
        }
      });
      tail = result.catch(() => undefined);
      return result;
    };
  }

  return new Proxy(connection, {
    get(target, prop, receiver) {
      if ((calls as readonly (string | symbol)[]).includes(prop)) {
        const method = Reflect.get(target, prop, receiver) as (p: never) => Promise<unknown>;
        return serialized((p: never) => method.call(target, p));
      }
      const value = Reflect.get(target, prop, receiver) as unknown;
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
}

async function readAll(stream: unknown): Promise<string> {
  let text = '';
  for await (const chunk of stream as AsyncIterable<Buffer | string>) text += chunk.toString();
  return text;
}

import type { ClickHouseClient } from '../../core/clickhouse/client.ts';

/** A ClickHouse client with a switch that makes every insert and query fail as an unreachable server would. */
export interface SwitchableClickHouse {
  client: ClickHouseClient;
  down: boolean;
  failedCalls: number;
}

/**
 * Wraps a real (chDB) client. While `down`, calls reject with an error that, like real driver
 * errors can, names the server URL with its credentials — so tests can prove logs never show them.
 */
export function switchableClickHouse(client: ClickHouseClient): SwitchableClickHouse {
  const state: SwitchableClickHouse = { client, down: false, failedCalls: 0 };
  state.client = new Proxy(client, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver);
      if (prop !== 'insert' && prop !== 'query') return value;
      return (...args: unknown[]) => {
        if (!state.down) return (value as (...a: unknown[]) => Promise<unknown>).apply(target, args);
        state.failedCalls++;
        return Promise.reject(Object.assign(new Error('connect ECONNREFUSED for http://default:s3cret-pass@clickhouse:8123'), { code: 'ECONNREFUSED' }));
      };
    },
  });
  return state;
}

import type { AddressInfo } from 'node:net';
import { sha256Hex } from '../../collector/http/key-ring.ts';
import { freshEmbeddedStore } from '../../test/support/embedded-store.ts';
import { createApiService, type ApiServiceOptions } from '../api-server.ts';
import type { ApiTokenConfig } from '../auth/api-tokens-config.ts';
import type { Role } from '../auth/roles.ts';

export interface GraphQLAnswer<T> {
  status: number;
  data?: T;
  errors?: Array<{ message: string; extensions?: { code?: string; argument?: string } }>;
}

/** Test tokens: the clear token is `tok-<id>`, stored hashed like production tokens. */
export function testToken(id: string, role: Role, teams: string[] = []): ApiTokenConfig {
  return { id, sha256: sha256Hex(`tok-${id}`), role, teams };
}

/** A real API on a fresh chDB store and an ephemeral loopback port. */
export async function startTestApi(tokens: ApiTokenConfig[], extra: Partial<ApiServiceOptions> = {}) {
  const store = await freshEmbeddedStore();
  const logs: string[] = [];
  const api = await createApiService({ clickhouse: store.client, auth: { tokens, open: tokens.length === 0 }, log: (m) => logs.push(m), ...extra });
  await new Promise<void>((resolve) => api.server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(api.server.address() as AddressInfo).port}`;
  return {
    store,
    logs,
    base,
    url: `${base}/graphql`,
    /** POSTs a GraphQL request as `tokenId` (none: no Authorization header). */
    async gql<T = Record<string, unknown>>(query: string, variables: Record<string, unknown> = {}, tokenId?: string): Promise<GraphQLAnswer<T>> {
      const response = await fetch(`${base}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json', ...(tokenId ? { authorization: `Bearer tok-${tokenId}` } : {}) },
        body: JSON.stringify({ query, variables }),
      });
      return { status: response.status, ...((await response.json()) as Omit<GraphQLAnswer<T>, 'status'>) };
    },
    async close() {
      await api.stop();
      api.server.closeAllConnections();
      await new Promise((resolve) => api.server.close(resolve));
      await store.dispose();
    },
  };
}

import { createServer, type Server } from 'node:http';
import { createYoga } from 'graphql-yoga';
import type { ClickHouseClient } from '../core/clickhouse/client.ts';
import { apiSchema, type ApiContext } from './graphql-schema.ts';

/** The GraphQL API on `/graphql`; resolvers read ClickHouse through the given client. */
export function createApiServer(options: { clickhouse: ClickHouseClient; log?: (message: string) => void }): Server {
  const yoga = createYoga({
    schema: apiSchema,
    context: () => ({ clickhouse: options.clickhouse }),
    graphqlEndpoint: '/graphql',
    logging: false,
    // Internal errors reach the client masked; the detail goes to our log only.
    maskedErrors: { maskError: (error, message) => { options.log?.(`api: ${String((error as Error).message ?? error)}`); return new Error(message); } },
  });
  return createServer(yoga);
}

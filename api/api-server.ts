import { createServer, type Server } from 'node:http';
import { createYoga, maskError as defaultMaskError } from 'graphql-yoga';
import type { ClickHouseClient } from '../core/clickhouse/client.ts';
import { apiSchema } from './graphql-schema.ts';

/** The GraphQL API on `/graphql`; resolvers read ClickHouse through the given client. */
export function createApiServer(options: { clickhouse: ClickHouseClient; log?: (message: string) => void }): Server {
  const yoga = createYoga({
    schema: apiSchema,
    context: () => ({ clickhouse: options.clickhouse }),
    graphqlEndpoint: '/graphql',
    logging: false,
    // Internal errors reach the client masked; the detail goes to our log only.
    maskedErrors: {
      maskError: (error, message, isDev) => {
        const masked = defaultMaskError(error, message, isDev);
        if (masked !== error) options.log?.(`api: ${(error as Error)?.message ?? String(error)}`);
        return masked;
      },
    },
  });
  return createServer(yoga);
}

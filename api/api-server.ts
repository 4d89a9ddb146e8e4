import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { GraphQLError } from 'graphql';
import { createYoga, maskError as defaultMaskError } from 'graphql-yoga';
import type { ClickHouseClient } from '../core/clickhouse/client.ts';
import { jsonSyntaxReason } from '../core/json-syntax-reason.ts';
import { systemClock, type Clock } from '../core/clock.ts';
import { findApiError, toGraphQLError } from './api-errors.ts';
import { clickHouseAuditLog } from './audit/audit-log.ts';
import { Authenticator } from './auth/authenticator.ts';
import type { AuthMode } from './auth/auth-mode.ts';
import { TokenRevocations } from './auth/token-revocations.ts';
import { inputErrorsPlugin } from './guards/input-errors.ts';
import { queryLimitsPlugin } from './guards/query-limits.ts';
import { focusRoute } from './http/focus-route.ts';
import { localGraphiQL } from './http/graphiql.ts';
import { defaultReadLimits, readStore, type ReadLimits } from './read-store.ts';
import { buildApiSchema } from './schema/build-schema.ts';
import type { ApiContext } from './schema/domain-module.ts';
import { domains } from './schema/domains.ts';

export interface ApiServiceOptions {
  clickhouse: ClickHouseClient;
  /** From `resolveAuthMode`: the tokens, or the loopback-only open default. */
  auth: AuthMode;
  log: (message: string) => void;
  clock?: Clock;
  readLimits?: ReadLimits;
  /** Embedded chDB (exports are written by ClickHouse to a file) or a server (streamed). */
  embedded?: boolean;
  /** Extra static HTTP routes beside /graphql (the console), tried first; true when answered. */
  routes?: Array<(req: IncomingMessage, res: ServerResponse) => boolean>;
}

export interface ApiService {
  server: Server;
  /** Stops the revocation refresh; close the server separately (the pipeline drains it). */
  stop(): Promise<void>;
}

/**
 * The API: GraphQL on `/graphql` (GraphiQL on GET from a browser) and the FOCUS download on
 * `/exports/focus`, behind bearer-token authentication; reads are read-only and time-boxed.
 */
export async function createApiService(options: ApiServiceOptions): Promise<ApiService> {
  const clock = options.clock ?? systemClock;
  const revocations = new TokenRevocations(options.clickhouse, clock, options.log);
  await revocations.start();
  const authenticator = new Authenticator(options.auth.tokens, revocations.isRevoked, options.auth.open);
  const shared = {
    store: readStore(options.clickhouse, options.readLimits ?? defaultReadLimits),
    audit: clickHouseAuditLog(options.clickhouse, clock),
    revocations,
    clock,
  };
  const yoga = createYoga<object, ApiContext>({
    schema: buildApiSchema(domains),
    context: ({ request }) => {
      try {
        return { ...shared, principal: authenticator.authenticate(request.headers.get('authorization')) };
      } catch (err) {
        const known = findApiError(err);
        throw known ? toGraphQLError(known) : err;
      }
    },
    graphqlEndpoint: '/graphql',
    logging: false,
    landingPage: false,
    plugins: [queryLimitsPlugin(), inputErrorsPlugin()],
    ...localGraphiQL,
    maskedErrors: {
      // Typed refusals become coded errors here, in one place; anything else is internal and
      // reaches the client masked, with the detail in our log only.
      maskError: (error, message, isDev) => {
        const known = findApiError(error);
        if (known) return toGraphQLError(known, (error as { path?: ReadonlyArray<string | number> }).path);
        if (error instanceof GraphQLError && error.extensions.originalError) return withoutParserMessage(error);
        const masked = defaultMaskError(error, message, isDev);
        if (masked !== error) options.log(`api: ${(error as Error)?.message ?? String(error)}`);
        return masked;
      },
    },
  });
  const focus = focusRoute({
    clickhouse: options.clickhouse,
    embedded: options.embedded ?? true,
    clock,
    authenticate: (req) => authenticator.authenticate(req.headers.authorization),
    log: options.log,
  });
  const server = createServer((req, res) => {
    for (const route of [...(options.routes ?? []), focus]) if (route(req, res)) return;
    if (new URL(req.url ?? '/', 'http://api').pathname.replace(/\/+$/, '') !== '/graphql')
      return void res.writeHead(404, { 'content-type': 'application/json' }).end(API_NOT_FOUND);
    void yoga(req, res);
  });
  return { server, stop: () => revocations.stop() };
}

/** What this port serves, for the 404 of any other path (yoga's own has an empty body). */
const API_NOT_FOUND = JSON.stringify({
  error:
    'not found: this port serves /graphql (the API; a browser gets its IDE there), GET /exports/focus and /exports/focus/metadata (FOCUS exports), and GET /console/ (the web console, with switchyard all and switchyard api)',
});

/**
 * Yoga's request parsers attach the JSON parser's own message to a refused body as
 * `extensions.originalError`, and V8 quotes the body in it (which can hold a token or a prompt).
 * The answer keeps yoga's message, code and HTTP status, adds the parser's reason where it can be
 * said without the body (`jsonSyntaxReason`), and drops the rest.
 */
function withoutParserMessage(error: GraphQLError): GraphQLError {
  const { originalError, http, ...extensions } = error.extensions as { originalError?: { message?: unknown }; http?: { spec?: boolean } } & Record<
    string,
    unknown
  >;
  const reason = typeof originalError?.message === 'string' ? jsonSyntaxReason(originalError.message) : null;
  // Yoga answers such an error 400 only while it carries `originalError`; without it, `spec` would
  // let an application/json answer become 200. The request was refused: it stays a 400.
  const { spec: _spec, ...status } = http ?? {};
  return new GraphQLError(reason ? `${error.message.replace(/\.$/, '')}: ${reason}.` : error.message, {
    nodes: error.nodes,
    source: error.source,
    positions: error.positions,
    path: error.path,
    extensions: { ...extensions, ...(http ? { http: status } : {}) },
  });
}

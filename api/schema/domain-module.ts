import type { GraphQLResolveInfo } from 'graphql';
import type { AuditLog } from '../audit/audit-log.ts';
import type { Access, Grant } from '../auth/authorize.ts';
import type { Principal } from '../auth/roles.ts';
import type { TokenRevocations } from '../auth/token-revocations.ts';
import type { Clock } from '../../core/clock.ts';
import type { ReadStore } from '../read-store.ts';

/** What every resolver gets: the caller and the API's clients. Built per request by the server. */
export interface ApiContext {
  principal: Principal;
  store: ReadStore;
  audit: AuditLog;
  revocations: TokenRevocations;
  clock: Clock;
}

/**
 * One root field (Query or Mutation) of a domain: who may call it and what it does. The resolver
 * runs only after the authorization layer allowed the call, and gets the resulting grant (the
 * teams it may read) as its third argument.
 */
export interface RootField<Args = Record<string, unknown>> {
  access: Access;
  resolve(args: Args, ctx: ApiContext, grant: Grant, info: GraphQLResolveInfo): unknown;
}

/** Resolvers of a domain's object types (reachable only through its guarded root fields). */
export type TypeResolvers = Record<string, Record<string, (parent: never, args: never, ctx: ApiContext) => unknown>>;

/**
 * A domain of the API: cost, latency, scores, weights, budgets, alerts, audit, access.
 *
 * How to add one (policy, alerts and budgets do it this way):
 * 1. `api/domains/<name>/<name>-domain.ts` exports a `DomainModule`:
 *    - `typeDefs`: its types and `extend type Query { … }` / `extend type Mutation { … }`;
 *      the shared scalars `DateTime`, `Decimal` (money), `Int64` (counts) are already declared;
 *    - `query` / `mutation`: one `RootField` per root field, each with its `access.roles`.
 * 2. Add it to `domains` in `api/schema/domains.ts`.
 * 3. `npm run api:sdl` rewrites `api/schema/schema.graphql`; commit it (the SDL test fails until then).
 * Every root field must declare access: the schema refuses to build otherwise. Mutations are
 * audit-logged by the layer, not by the domain. Read ClickHouse through `ctx.store` only, with
 * the grant's team scope in every query (`teamScopeSql`). User mistakes: throw `badInput(arg, …)`.
 */
export interface DomainModule {
  name: string;
  typeDefs: string;
  query?: Record<string, RootField<never>>;
  mutation?: Record<string, RootField<never>>;
  types?: TypeResolvers;
}

import type { GraphQLResolveInfo, GraphQLSchema } from 'graphql';
import { createSchema } from 'graphql-yoga';
import { findApiError } from '../api-errors.ts';
import { authorize } from '../auth/authorize.ts';
import type { ApiContext, DomainModule, RootField } from './domain-module.ts';
import { scalarResolvers, scalarTypeDefs } from './scalars.ts';

type RootResolver = (parent: unknown, args: Record<string, unknown>, ctx: ApiContext, info: GraphQLResolveInfo) => Promise<unknown>;

/** Query fields: authorize, then resolve with the grant. */
function guardQuery(operation: string, field: RootField<never>): RootResolver {
  return async (_parent, args, ctx, info) => field.resolve(args as never, ctx, authorize(ctx.principal, field.access, operation), info);
}

/**
 * Mutation fields: authorize, resolve, and record the call in the audit log whatever its outcome.
 * When the audit row cannot be written the caller gets an error instead of the result: an
 * unaudited mutation must not look like a success.
 */
function guardMutation(operation: string, field: RootField<never>): RootResolver {
  return async (_parent, args, ctx, info) => {
    let outcome: 'ok' | 'denied' | 'error' = 'ok';
    let errorCode = '';
    try {
      return await field.resolve(args as never, ctx, authorize(ctx.principal, field.access, operation), info);
    } catch (err) {
      const known = findApiError(err);
      outcome = known?.code === 'FORBIDDEN' ? 'denied' : 'error';
      errorCode = known?.code ?? 'INTERNAL';
      throw err;
    } finally {
      await ctx.audit.record({ principal: ctx.principal, operation, arguments: args, outcome, errorCode });
    }
  };
}

function guardAll(kind: 'Query' | 'Mutation', fields: Record<string, RootField<never>>): Record<string, RootResolver> {
  const guard = kind === 'Query' ? guardQuery : guardMutation;
  return Object.fromEntries(Object.entries(fields).map(([name, field]) => [name, guard(`${kind}.${name}`, field)]));
}

/**
 * The executable schema from the domain modules. Every root field is wrapped by the one
 * authorization layer; a root field that no module declares access for fails the build.
 */
export function buildApiSchema(domains: readonly DomainModule[]): GraphQLSchema {
  const query = Object.assign({}, ...domains.map((d) => d.query ?? {})) as Record<string, RootField<never>>;
  const mutation = Object.assign({}, ...domains.map((d) => d.mutation ?? {})) as Record<string, RootField<never>>;
  const hasMutations = Object.keys(mutation).length > 0;
  const schema = createSchema<ApiContext>({
    typeDefs: [scalarTypeDefs, 'type Query', hasMutations ? 'type Mutation' : '', ...domains.map((d) => d.typeDefs)].filter(Boolean),
    resolvers: [
      scalarResolvers,
      { Query: guardAll('Query', query), ...(hasMutations ? { Mutation: guardAll('Mutation', mutation) } : {}) },
      ...domains.map((d) => d.types ?? {}),
    ],
  });
  for (const [kind, declared] of [
    ['Query', query],
    ['Mutation', mutation],
  ] as const) {
    const type = kind === 'Query' ? schema.getQueryType() : schema.getMutationType();
    const unguarded = Object.keys(type?.getFields() ?? {}).filter((name) => !(name in declared));
    if (unguarded.length)
      throw new Error(`schema: ${unguarded.map((n) => `${kind}.${n}`).join(', ')} declared without access; add it to its domain's ${kind.toLowerCase()} map`);
  }
  return schema;
}

import { badInput } from '../../api-errors.ts';
import type { DomainModule, RootField } from '../../schema/domain-module.ts';

const me: RootField = {
  access: { roles: ['viewer', 'finance', 'operator', 'service'] },
  resolve: (_args, ctx) => ({
    id: ctx.principal.id,
    role: ctx.principal.role.toUpperCase(),
    teams: ctx.principal.teams === 'all' ? ['*'] : [...ctx.principal.teams].sort(),
  }),
};

const revokeApiToken: RootField<{ id: string; reason: string }> = {
  access: { roles: [] },
  resolve: async (args, ctx) => {
    if (!/^[a-z0-9][a-z0-9._-]{0,63}$/.test(args.id)) throw badInput('id', 'a token id from the tokens file (lowercase letters, digits, . _ -)');
    if (args.reason.trim().length === 0 || args.reason.length > 500) throw badInput('reason', 'say why, in 1 to 500 characters');
    await ctx.revocations.revoke(args.id, ctx.principal.id, args.reason.trim());
    return { id: args.id, revoked: true };
  },
};

/** Who the caller is, and token revocation (admin). */
export const accessDomain: DomainModule = {
  name: 'access',
  typeDefs: /* GraphQL */ `
    enum Role {
      VIEWER
      FINANCE
      OPERATOR
      ADMIN
      SERVICE
    }

    type Me {
      "Token id, or anonymous on the loopback default."
      id: String!
      role: Role!
      "Teams this token may read; [\\"*\\"] for all."
      teams: [String!]!
    }

    type TokenRevocation {
      id: String!
      revoked: Boolean!
    }

    extend type Query {
      "The caller, as the API sees it."
      me: Me!
    }

    extend type Mutation {
      "Refuses a token from now on, in every API process within 10 s (admin)."
      revokeApiToken(id: String!, reason: String!): TokenRevocation!
    }
  `,
  query: { me },
  mutation: { revokeApiToken },
};

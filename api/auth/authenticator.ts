import { createHash, timingSafeEqual } from 'node:crypto';
import { unauthenticated } from '../api-errors.ts';
import type { ApiTokenConfig } from './api-tokens-config.ts';
import type { Principal } from './roles.ts';

/** The loopback default's caller: see `resolveAuthMode`. */
export const ANONYMOUS_ADMIN: Principal = { id: 'anonymous', role: 'admin', teams: 'all' };

function principalOf(token: ApiTokenConfig): Principal {
  const teams = token.role === 'admin' || token.teams.includes('*') ? 'all' : new Set(token.teams);
  return { id: token.id, role: token.role, teams: token.role === 'service' ? new Set() : teams };
}

/**
 * Bearer token → principal. Tokens are looked up by their SHA-256 (the clear token is never
 * stored); revoked token ids are refused. `open` (no tokens configured) answers the anonymous admin.
 */
export class Authenticator {
  private readonly byHash: Map<string, ApiTokenConfig>;

  constructor(
    tokens: readonly ApiTokenConfig[],
    private readonly isRevoked: (tokenId: string) => boolean,
    private readonly open = false,
  ) {
    this.byHash = new Map(tokens.map((t) => [t.sha256, t]));
  }

  /** @throws ApiError UNAUTHENTICATED without a valid, unrevoked bearer token */
  authenticate(authorization: string | null | undefined): Principal {
    if (this.open) return ANONYMOUS_ADMIN;
    const presented = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '')?.[1];
    if (!presented) throw unauthenticated('send an API token: Authorization: Bearer <token>');
    const digest = createHash('sha256').update(presented).digest('hex');
    const token = this.byHash.get(digest);
    // The map lookup already matched; the constant-time compare keeps a timing side channel
    // from telling how much of a guessed hash matched.
    if (!token || !timingSafeEqual(Buffer.from(token.sha256), Buffer.from(digest)) || this.isRevoked(token.id)) {
      throw unauthenticated('the API token is unknown or revoked');
    }
    return principalOf(token);
  }
}

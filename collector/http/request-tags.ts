import { createHash } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { attemptTagsSchema, type AttemptTags } from '../../core/events/attempt-event.ts';

/**
 * Attribution tags from `x-switchyard-*` headers. The caller's key is reduced to a short
 * one-way id: enough to group spend by key, useless to an attacker.
 */
export function tagsFromHeaders(headers: IncomingHttpHeaders, bodyUser: string | undefined): AttemptTags {
  const h = (name: string) => {
    const v = headers[name];
    return (Array.isArray(v) ? v[0] : v)?.trim() ?? '';
  };
  const parsed = attemptTagsSchema.safeParse({
    team: h('x-switchyard-team'),
    project: h('x-switchyard-project'),
    feature: h('x-switchyard-feature'),
    user: h('x-switchyard-user') || bodyUser || '',
    environment: h('x-switchyard-environment'),
    api_key_id: apiKeyId(h('authorization')),
    extra: parseExtraTags(h('x-switchyard-tags')),
  });
  // Oversized tag values are dropped rather than failing the request.
  return parsed.success ? parsed.data : attemptTagsSchema.parse({ api_key_id: apiKeyId(h('authorization')) });
}

export function apiKeyId(authorization: string): string {
  const key = authorization.replace(/^Bearer\s+/i, '');
  if (!key) return '';
  return `key_${createHash('sha256').update(key).digest('hex').slice(0, 16)}`;
}

/** `k1=v1,k2=v2` → map; malformed pairs are ignored. */
function parseExtraTags(header: string): Record<string, string> {
  const extra: Record<string, string> = {};
  for (const pair of header.split(',')) {
    const [k, v] = pair.split('=').map((s) => s.trim());
    if (k && v !== undefined && /^[a-zA-Z0-9_.-]{1,64}$/.test(k)) extra[k] = v.slice(0, 256);
  }
  return extra;
}

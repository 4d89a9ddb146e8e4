import { createHash } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { attemptTagsSchema, type AttemptTags } from '../../core/events/attempt-event.ts';
import { DispatchError } from '../dispatch/dispatch-error.ts';

/** Where each tag comes from, for error messages that name what the client sent. */
const SOURCES: Record<string, string> = {
  team: 'header x-switchyard-team',
  project: 'header x-switchyard-project',
  feature: 'header x-switchyard-feature',
  user: 'header x-switchyard-user',
  environment: 'header x-switchyard-environment',
};

/** Longest value of one `x-switchyard-tags` entry, characters. */
export const EXTRA_TAG_MAX_CHARS = 256;

/**
 * Attribution tags from `x-switchyard-*` headers (and the body's `user` when the header is
 * absent). The caller's key is reduced to a short one-way id: enough to group spend by key,
 * useless to an attacker. A value over its limit (team/project/feature 128 characters, user 256,
 * environment 64, one `x-switchyard-tags` value 256) is a 400 naming the header and the limit:
 * silently dropping it, or every tag with it, would bill the request to nobody.
 */
export function tagsFromHeaders(headers: IncomingHttpHeaders, bodyUser: string | undefined): AttemptTags | DispatchError {
  const h = (name: string) => {
    const v = headers[name];
    return (Array.isArray(v) ? v[0] : v)?.trim() ?? '';
  };
  const headerUser = h('x-switchyard-user');
  const extra = parseExtraTags(h('x-switchyard-tags'));
  if (extra instanceof DispatchError) return extra;
  const parsed = attemptTagsSchema.safeParse({
    team: h('x-switchyard-team'),
    project: h('x-switchyard-project'),
    feature: h('x-switchyard-feature'),
    user: headerUser || bodyUser || '',
    environment: h('x-switchyard-environment'),
    api_key_id: apiKeyId(h('authorization')),
    extra,
  });
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  const field = String(issue.path[0]);
  const source = field === 'user' && !headerUser ? 'body field user' : (SOURCES[field] ?? `tag ${field}`);
  const limit = issue.code === 'too_big' ? ` is longer than its limit of ${String(issue.maximum)} characters` : `: ${issue.message}`;
  return new DispatchError(
    400,
    'invalid_request_error',
    `${source}${limit}; attribution values must fit their limits (see README "Limits")`,
    'attribution_too_long',
    source.replace(/^(header|body field) /, ''),
  );
}

export function apiKeyId(authorization: string): string {
  const key = authorization.replace(/^Bearer\s+/i, '');
  if (!key) return '';
  return `key_${createHash('sha256').update(key).digest('hex').slice(0, 16)}`;
}

/** `k1=v1,k2=v2` → map; pairs without `=` or with a key outside [a-zA-Z0-9_.-]{1,64} are ignored. */
function parseExtraTags(header: string): Record<string, string> | DispatchError {
  const extra: Record<string, string> = {};
  for (const pair of header.split(',')) {
    const [k, v] = pair.split('=').map((s) => s.trim());
    if (!k || v === undefined || !/^[a-zA-Z0-9_.-]{1,64}$/.test(k)) continue;
    if (v.length > EXTRA_TAG_MAX_CHARS) {
      return new DispatchError(
        400,
        'invalid_request_error',
        `header x-switchyard-tags: the value of "${k}" is longer than its limit of ${EXTRA_TAG_MAX_CHARS} characters`,
        'attribution_too_long',
        'x-switchyard-tags',
      );
    }
    extra[k] = v;
  }
  return extra;
}

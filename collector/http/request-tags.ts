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
  const headerUser = headerText(headers, 'x-switchyard-user');
  const extra = parseExtraTags(headerText(headers, 'x-switchyard-tags'));
  if (extra instanceof DispatchError) return extra;
  const tags = {
    team: headerText(headers, 'x-switchyard-team'),
    project: headerText(headers, 'x-switchyard-project'),
    feature: headerText(headers, 'x-switchyard-feature'),
    user: headerUser || bodyUser || '',
    environment: headerText(headers, 'x-switchyard-environment'),
    api_key_id: apiKeyId(headerText(headers, 'authorization')),
    extra,
  };
  // Every value is a string and `extra` a plain string map, so only a length can be wrong: within
  // them, the schema's result is these values in its own key order (checked by request-tags.accuracy),
  // without running it (~10 µs per request). Anything over a limit goes through the schema for its message.
  if (withinLimits(tags)) return inSchemaOrder(tags);
  const parsed = attemptTagsSchema.safeParse(tags);
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

/** The limits of `attemptTagsSchema` (core/events/attempt-event.ts), characters. */
const TAG_LIMITS = { team: 128, project: 128, feature: 128, user: 256, api_key_id: 128, environment: 64 } as const;

function withinLimits(t: Omit<AttemptTags, 'extra'>): boolean {
  return (
    t.team.length <= TAG_LIMITS.team &&
    t.project.length <= TAG_LIMITS.project &&
    t.feature.length <= TAG_LIMITS.feature &&
    t.user.length <= TAG_LIMITS.user &&
    t.api_key_id.length <= TAG_LIMITS.api_key_id &&
    t.environment.length <= TAG_LIMITS.environment
  );
}

/** The tags as the schema outputs them: its key order, `extra` a fresh copy. */
function inSchemaOrder(t: AttemptTags): AttemptTags {
  return { team: t.team, project: t.project, feature: t.feature, user: t.user, api_key_id: t.api_key_id, environment: t.environment, extra: { ...t.extra } };
}

// Clients send the same few keys again and again: each key's id is hashed once (SHA-256 was
// ~13 µs per request at 1,000 req/s). Bounded, so many distinct keys cannot grow it.
const keyIds = new Map<string, string>();

/** A header's first value, trimmed; '' when absent. */
function headerText(headers: IncomingHttpHeaders, name: string): string {
  const v = headers[name];
  return (Array.isArray(v) ? v[0] : v)?.trim() ?? '';
}

export function apiKeyId(authorization: string): string {
  const key = authorization.replace(/^Bearer\s+/i, '');
  if (!key) return '';
  let id = keyIds.get(key);
  if (id === undefined) {
    id = `key_${createHash('sha256').update(key).digest('hex').slice(0, 16)}`;
    if (keyIds.size >= 1024) keyIds.clear();
    keyIds.set(key, id);
  }
  return id;
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

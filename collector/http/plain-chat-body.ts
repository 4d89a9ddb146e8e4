import type { ChatBody } from './chat-request-schema.ts';

// The shortcut past zod for the common chat body. Validating it with `chatRequestSchema` took
// ~20 µs of the collector's event loop per request at 1,000 req/s (bench/profiles/collector-hot-path.md).
// A body made only of the fields below, each of a type and in a range the schema accepts, is one
// the schema accepts unchanged (no defaults, no transforms: its output carries the same values),
// so it is used as it is. Anything else — another field, a tool message, content parts, a value
// out of range, even a null where the schema allows one — goes through the schema, which alone
// writes error messages. chat-request-fast-path.accuracy checks the two agree, body by body.

/** The body fields a plain body may carry. */
export const PLAIN_BODY_KEYS: ReadonlySet<string> = new Set([
  'model',
  'messages',
  'stream',
  'stream_options',
  'max_tokens',
  'max_completion_tokens',
  'temperature',
  'top_p',
  'user',
  'n',
  'seed',
  'presence_penalty',
  'frequency_penalty',
]);
const MESSAGE_KEYS = new Set(['role', 'content', 'name']);
const ROLES = new Set(['system', 'developer', 'user', 'assistant']);
const INCLUDE_USAGE = new Set(['include_usage']);

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function onlyKeys(o: Record<string, unknown>, allowed: ReadonlySet<string>): boolean {
  for (const k in o) if (!allowed.has(k)) return false;
  // `for in` skips what JSON cannot make anyway (symbols, non-enumerables); a prototype other than Object's is not a plain body.
  return Object.getPrototypeOf(o) === Object.prototype;
}

const absent = (v: unknown) => v === undefined;
const number = (v: unknown, min: number, max: number) => typeof v === 'number' && Number.isFinite(v) && v >= min && v <= max;
const int = (v: unknown, min: number, max: number) => Number.isSafeInteger(v) && (v as number) >= min && (v as number) <= max;

/** A plain chat message: a system, developer, user or assistant turn whose content is text, maybe named. */
function isPlainMessage(m: unknown): boolean {
  return (
    isRecord(m) &&
    onlyKeys(m, MESSAGE_KEYS) &&
    typeof m.role === 'string' &&
    ROLES.has(m.role) &&
    typeof m.content === 'string' &&
    (absent(m.name) || typeof m.name === 'string')
  );
}

/** True when `body` is a chat body the schema accepts as it is (see above); false says nothing: ask the schema. */
export function isPlainChatBody(body: unknown): body is ChatBody {
  if (!isRecord(body) || !onlyKeys(body, PLAIN_BODY_KEYS)) return false;
  if (typeof body.model !== 'string' || body.model.length === 0) return false;
  const { messages } = body;
  if (!Array.isArray(messages) || messages.length === 0 || !messages.every(isPlainMessage)) return false;
  const so = body.stream_options;
  return (
    (absent(body.stream) || typeof body.stream === 'boolean') &&
    (absent(so) || (isRecord(so) && onlyKeys(so, INCLUDE_USAGE) && (absent(so.include_usage) || typeof so.include_usage === 'boolean'))) &&
    (absent(body.max_tokens) || int(body.max_tokens, 1, Number.MAX_SAFE_INTEGER)) &&
    (absent(body.max_completion_tokens) || int(body.max_completion_tokens, 1, Number.MAX_SAFE_INTEGER)) &&
    (absent(body.temperature) || number(body.temperature, 0, 2)) &&
    (absent(body.top_p) || number(body.top_p, 0, 1)) &&
    (absent(body.user) || typeof body.user === 'string') &&
    (absent(body.n) || int(body.n, 1, 128)) &&
    (absent(body.seed) || int(body.seed, Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER)) &&
    (absent(body.presence_penalty) || number(body.presence_penalty, -2, 2)) &&
    (absent(body.frequency_penalty) || number(body.frequency_penalty, -2, 2))
  );
}

import type { ServerResponse } from 'node:http';

/**
 * The JSON error of this port's plain HTTP routes (FOCUS exports, console): `{"error": {code,
 * message, argument?}}`, the shape of a GraphQL error's `extensions` a client already reads.
 * `headers` adds e.g. a 405's `allow`.
 */
export function answerError(
  res: ServerResponse,
  status: number,
  error: { code: string; message: string; argument?: string },
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, { ...headers, 'content-type': 'application/json' }).end(JSON.stringify({ error }));
}

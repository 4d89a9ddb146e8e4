/**
 * Why `JSON.parse` refused a request body, in words safe to send back and to log: V8's grammar
 * reason and the character position where it gave one, never the body itself. V8 (Node 20) words
 * some refusals as `Unexpected token 'x', "<the body>" is not valid JSON`, quoting the body, which
 * can hold a key or a prompt, so only the token is kept from those; a caller's own suffix quoting
 * the body is dropped too. Returns null for a message of another shape (nothing is said rather
 * than something unsafe).
 *
 * @param message a SyntaxError's message from JSON.parse
 * @returns e.g. "Expected ',' or '}' after property value at character 19", or null
 */
export function jsonSyntaxReason(message: string): string | null {
  // Some callers (the GraphQL server's body parser) append `, "<the body>" is not valid JSON`.
  const positioned = /^(.{1,80}?) in JSON at position (\d+)(?: \(line \d+ column \d+\))?(?:,|$)/s.exec(message);
  if (positioned && !positioned[1]!.includes('"')) return `${positioned[1]} at character ${positioned[2]}`;
  const token = /^Unexpected token '(.)', /su.exec(message);
  if (token) return `unexpected '${token[1]}'`;
  if (/^Unexpected end of JSON input(?:,|$)/.test(message)) return 'the body ends before the JSON value does';
  const trailing = /^Unexpected non-whitespace character after JSON at position \d+/.exec(message);
  return trailing ? trailing[0] : null;
}

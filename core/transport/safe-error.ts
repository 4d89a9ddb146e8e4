/**
 * An error as a log line may show it: name, code and the first 200 characters of the message, with
 * credentials in URLs (`scheme://user:secret@host`) masked. ClickHouse and broker errors can echo
 * a connection URL, and log lines must never carry a secret.
 */
export function describeErrorSafely(err: unknown): string {
  const e = err instanceof Error ? err : new Error(String(err));
  const code = (e as { code?: unknown }).code;
  const message = e.message.replace(/(\w+:\/\/)[^/@\s]*@/g, '$1***@').slice(0, 200);
  return `${e.name}${typeof code === 'string' || typeof code === 'number' ? ` ${code}` : ''}: ${message}`;
}

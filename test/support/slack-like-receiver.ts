import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

/** How the receiver answers one request: Slack's `ok`, or a failure to test delivery against. */
export type ReceiverAnswer = { kind: 'ok' } | { kind: 'status'; status: number; body?: string; retryAfterS?: number } | { kind: 'slow'; delayMs: number };

export interface ReceivedRequest {
  at: number;
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
  answered: number;
}

/**
 * A Slack-incoming-webhook look-alike on 127.0.0.1: records every request and answers from a
 * script (then `ok`). `slow` answers `ok` after the delay, long enough to trip a client timeout.
 */
export async function startSlackLikeReceiver() {
  const requests: ReceivedRequest[] = [];
  const script: ReceiverAnswer[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      const answer = script.shift() ?? { kind: 'ok' };
      const respond = (status: number, text: string, headers: Record<string, string> = {}) => {
        requests.push({ at: Date.now(), path: req.url ?? '', headers: req.headers, body, answered: status });
        res.writeHead(status, { 'content-type': 'text/plain', ...headers }).end(text);
      };
      if (answer.kind === 'ok') respond(200, 'ok');
      else if (answer.kind === 'slow') setTimeout(() => respond(200, 'ok'), answer.delayMs);
      else respond(answer.status, answer.body ?? 'error', answer.retryAfterS !== undefined ? { 'retry-after': String(answer.retryAfterS) } : {});
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    /** A Slack-shaped URL whose path plays the secret part. */
    url: (secretPath: string) => `${base}/services/${secretPath}`,
    requests,
    /** Requests answered 200 (delivered). */
    delivered: () => requests.filter((r) => r.answered === 200),
    answerNext: (...answers: ReceiverAnswer[]) => void script.push(...answers),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Agent, request } from 'undici';

// Child-process servers for bench:overhead, so the load generator does not share their event loop.
//   node --import tsx bench/overhead-servers.ts upstream
//   node --import tsx bench/overhead-servers.ts proxy <upstream-origin>
// Each prints its origin on the first line of stdout.

const mode = process.argv[2];
const BODY = JSON.stringify({
  id: 'chatcmpl-bench',
  object: 'chat.completion',
  created: 0,
  model: 'bench-model',
  choices: [{ index: 0, message: { role: 'assistant', content: 'A short, fixed answer for overhead measurement.' }, finish_reason: 'stop' }],
  usage: { prompt_tokens: 12, completion_tokens: 9, total_tokens: 21 },
});

if (mode === 'upstream') {
  // The fastest honest upstream: read the body, answer a fixed completion at once.
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(BODY) }).end(BODY));
  });
  server.keepAliveTimeout = 60_000;
  server.listen(0, '127.0.0.1', () => console.log(`http://127.0.0.1:${(server.address() as AddressInfo).port}`));
} else if (mode === 'proxy') {
  // A bare passthrough: what any Node proxy costs, the yardstick for the shim.
  const upstream = process.argv[3]!;
  const dispatcher = new Agent({ connections: 256, keepAliveTimeout: 60_000 });
  const relay = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const chunks: Buffer[] = [];
    for await (const c of req as AsyncIterable<Buffer>) chunks.push(c);
    const r = await request(`${upstream}${req.url}`, {
      method: 'POST',
      body: Buffer.concat(chunks),
      headers: { 'content-type': 'application/json' },
      dispatcher,
    });
    const body = Buffer.from(await r.body.arrayBuffer());
    res.writeHead(r.statusCode, { 'content-type': 'application/json', 'content-length': body.length }).end(body);
  };
  // A failed relay answers 502 instead of leaving an unhandled rejection behind.
  const server = createServer((req, res) => {
    relay(req, res).catch(() => res.writeHead(502).end());
  });
  server.keepAliveTimeout = 60_000;
  server.listen(0, '127.0.0.1', () => console.log(`http://127.0.0.1:${(server.address() as AddressInfo).port}`));
} else {
  console.error('usage: overhead-servers.ts upstream | proxy <upstream-origin>');
  process.exit(2);
}

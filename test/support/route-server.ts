import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A plain HTTP route as the API server mounts them: true when it answered the request. */
export type Route = (req: IncomingMessage, res: ServerResponse) => boolean;

/**
 * `route` alone on a loopback port, for testing what it answers without the API around it. A
 * request it does not take gets a bare 404 carrying `x-not-route: 1`, so a test can tell "left to
 * the API" from the route's own answers.
 */
export async function serveRoute(route: Route): Promise<{ origin: string; server: Server }> {
  const server = createServer((req, res) => {
    if (!route(req, res)) res.writeHead(404, { 'x-not-route': '1' }).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

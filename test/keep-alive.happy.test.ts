import assert from 'node:assert/strict';
import { Agent, request } from 'node:http';
import { after, before, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { KEEP_ALIVE_TIMEOUT_MS } from '../collector/http/collector-server.ts';
import { startCollectorHarness, type CollectorHarness } from './support/collector-harness.ts';

// A pooled client that pauses keeps its connection: Node's default server keep-alive (5 s) closed
// it, so every burst after a pause reconnected at once (and behind a load balancer with a 60 s idle
// timeout, a close racing the balancer's next request is a 502).

let h: CollectorHarness;
before(async () => {
  h = await startCollectorHarness();
});
after(() => h.close());

function completion(agent: Agent): Promise<{ status: number; keepAlive: string | undefined; reusedSocket: boolean }> {
  return new Promise((resolve, reject) => {
    const req = request(
      `${h.origin}/v1/chat/completions`,
      { method: 'POST', agent, headers: { 'content-type': 'application/json', authorization: 'Bearer any' } },
      (res) => {
        res.resume();
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, keepAlive: res.headers['keep-alive'] as string | undefined, reusedSocket: req.reusedSocket }),
        );
      },
    );
    req.on('error', reject);
    req.end(JSON.stringify({ model: 'chat', messages: [{ role: 'user', content: 'Hi' }] }));
  });
}

test('a client connection idle for longer than Node’s default 5 s is still open for its next request', async () => {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  try {
    const first = await completion(agent);
    assert.equal(first.status, 200);
    // Clients that honour the hint (undici, the official SDKs through it) keep the connection this long.
    assert.equal(first.keepAlive, `timeout=${KEEP_ALIVE_TIMEOUT_MS / 1000}`);
    await sleep(6_000);
    const second = await completion(agent);
    assert.equal(second.status, 200);
    assert.equal(second.reusedSocket, true, 'the second request went out on the first one’s connection');
  } finally {
    agent.destroy();
  }
});

import assert from 'node:assert/strict';
import { createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';

/** Where a `switchyard all` started by readmeStartEnv listens. */
export interface StartPorts {
  port: number;
  apiPort: number;
  opsPort: number;
}

/** Three ports free right now, fixed up front (as users have 8080/4000/9464) so probes can start at spawn. */
export async function freeStartPorts(): Promise<StartPorts> {
  const one = () =>
    new Promise<number>((resolve, reject) => {
      const s = createServer();
      s.once('error', reject);
      s.listen(0, '127.0.0.1', () => {
        const { port } = s.address() as AddressInfo;
        s.close(() => resolve(port));
      });
    });
  return { port: await one(), apiPort: await one(), opsPort: await one() };
}

/**
 * The environment of the README's main command (`npm start`): no routes file and no provider keys,
 * so the built-in simulator answers; embedded store under `dir/data`; no Kafka. `extra` wins.
 */
export function readmeStartEnv(dir: string, ports: StartPorts, extra: Record<string, string> = {}): Record<string, string | undefined> {
  const env: Record<string, string | undefined> = {
    ...process.env,
    SWITCHYARD_CONFIG: '',
    SWITCHYARD_DATA: join(dir, 'data'),
    SWITCHYARD_PORT: String(ports.port),
    SWITCHYARD_API_PORT: String(ports.apiPort),
    SWITCHYARD_OPS_PORT: String(ports.opsPort),
    KAFKA_BROKERS: '',
    ...extra,
  };
  for (const k of ['OPENAI_API_KEY', 'ANTHROPIC_API_KEY', 'GEMINI_API_KEY']) delete env[k];
  return env;
}

/** Sends `n` chat requests to the collector of a start on `ports` (the default `chat` route); each must be answered 200. */
export async function sendChats(ports: StartPorts, n: number): Promise<void> {
  for (let i = 0; i < n; i++) {
    const res = await fetch(`http://127.0.0.1:${ports.port}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'chat', messages: [{ role: 'user', content: `hello ${i}` }] }),
    });
    const body = await res.text();
    assert.equal(res.status, 200, body);
  }
}

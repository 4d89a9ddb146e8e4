import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';

/** Linux's ephemeral (outgoing) port range, from procfs; the kernel default when unreadable. */
function ephemeralRange(): [number, number] {
  try {
    const [lo, hi] = readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/).map(Number);
    if (lo && hi) return [lo, hi];
  } catch {
    // not Linux: fall through to the kernel default
  }
  return [32768, 60999];
}

/** True when 127.0.0.1:port can be listened on right now (nothing holds it). */
export const bindable = (port: number) =>
  new Promise<boolean>((resolve) => {
    const s = createServer();
    s.once('error', () => resolve(false));
    s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)));
  });

/**
 * A free TCP port on 127.0.0.1 that a test may close and listen on again (a process restarted on
 * the same address). Ports from `listen(0)` come from the ephemeral range, which every outgoing
 * connection on the machine also draws from: while the server is down, a client socket can take
 * the port and the restart fails with EADDRINUSE (found in CI: a collector restarted on its port).
 * So the port is drawn from below the ephemeral range (10000 up), checked free now.
 * @throws Error when no free port was found in 200 tries
 */
export async function restartablePort(): Promise<number> {
  const [ephemeralLow] = ephemeralRange();
  const low = 10_000;
  const high = Math.max(low + 1_000, ephemeralLow - 1);
  for (let i = 0; i < 200; i++) {
    const port = low + Math.floor(Math.random() * (high - low));
    if (port >= ephemeralLow) continue;
    if (await bindable(port)) return port;
  }
  throw new Error(`no free port between ${low} and ${high} after 200 tries`);
}

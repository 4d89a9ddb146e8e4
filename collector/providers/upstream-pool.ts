import { Agent } from 'undici';

/**
 * The keep-alive connection pool for a collector's provider calls, built once by the composition
 * root and closed at shutdown (after the server has drained). undici's request API instead of
 * global fetch: measured about a millisecond less per call on this machine, which is most of what
 * a shim may add. Up to 256 connections per origin, idle ones kept 30 s, connect timeout 10 s.
 */
export function createUpstreamPool(): Agent {
  return new Agent({ connections: 256, keepAliveTimeout: 30_000, connect: { timeout: 10_000 } });
}

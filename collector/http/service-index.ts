import { SUPPORTED_ENDPOINTS } from './supported-endpoints.ts';

/** One endpoint of the collector's HTTP face, as `GET /` lists it. */
export interface EndpointInfo {
  method: 'GET' | 'POST';
  path: string;
  what: string;
}

/**
 * Every path the collector answers: the API endpoints (`SUPPORTED_ENDPOINTS`, which also word
 * the 404 for anything else) and the probes. Add an endpoint there and to the README's
 * "Supported endpoints" list, so `GET /` never goes stale.
 */
export const collectorEndpoints: readonly EndpointInfo[] = [
  ...SUPPORTED_ENDPOINTS,
  { method: 'GET', path: '/healthz', what: 'liveness' },
  { method: 'GET', path: '/readyz', what: 'readiness' },
];

/** Request body limit unless a client key sets `max_request_bytes`, bytes (4 MiB). */
export const DEFAULT_MAX_BODY_BYTES = 4 * 1024 * 1024;

/**
 * What `GET /` answers: a newcomer's map of this service. `links` are the other faces of the
 * same deployment when known (the GraphQL API with its in-browser IDE, the console).
 */
export function serviceIndex(links: Readonly<Record<string, string>>): Record<string, unknown> {
  return {
    service: 'switchyard collector',
    openai_base_url: '/v1',
    anthropic_base_url: '/',
    endpoints: collectorEndpoints.map((e) => `${e.method} ${e.path} — ${e.what}`),
    limits: { request_body_bytes: DEFAULT_MAX_BODY_BYTES, content_type: 'application/json' },
    links,
    docs: 'README.md: "Supported endpoints" and "Limits"',
  };
}

/**
 * JSON bodies only: a declared media type other than application/json or `…+json` is refused
 * (415) instead of being parsed by luck. No content-type at all is accepted, as OpenAI does.
 */
export function isJsonContentType(contentType: string | undefined): boolean {
  if (!contentType) return true;
  const type = contentType.split(';')[0]!.trim().toLowerCase();
  return type === 'application/json' || /^application\/[a-z0-9.+-]+\+json$/.test(type);
}

/** Every endpoint the collector answers; anything else is a 404 that lists these. */
export const SUPPORTED_ENDPOINTS = [
  { method: 'POST', path: '/v1/chat/completions' },
  { method: 'POST', path: '/v1/embeddings' },
  { method: 'POST', path: '/v1/messages' },
  { method: 'POST', path: '/v1/messages/count_tokens' },
  { method: 'GET', path: '/v1/models' },
] as const;

/** Every endpoint the collector answers; anything else is a 404 that lists these. */
export const SUPPORTED_ENDPOINTS = [
  { method: 'POST', path: '/v1/chat/completions', what: 'OpenAI Chat Completions, JSON or SSE (stream: true)' },
  { method: 'POST', path: '/v1/embeddings', what: 'OpenAI Embeddings, routed, costed and recorded like chat' },
  { method: 'POST', path: '/v1/messages', what: 'Anthropic Messages, JSON or SSE, served by any provider of the route' },
  { method: 'POST', path: '/v1/messages/count_tokens', what: 'Anthropic token count of a Messages request (counted locally, an estimate)' },
  { method: 'GET', path: '/v1/models', what: 'the routes this key may call, as OpenAI models' },
  { method: 'GET', path: '/v1/models/{id}', what: 'one of those routes (404 model_not_found otherwise)' },
] as const;

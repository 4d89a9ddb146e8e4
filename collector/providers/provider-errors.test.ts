import { test } from 'node:test';
import assert from 'node:assert/strict';
import { classifyStatus } from './provider-http.ts';
import { ProviderError, providerErrorKinds } from './provider.ts';

test('HTTP statuses and provider wording map into the taxonomy', () => {
  const cases: Array<[number, string, string]> = [
    [429, 'Rate limit reached for requests', 'rate_limited'],
    [503, 'The engine is currently overloaded', 'overloaded'],
    [529, 'Overloaded', 'overloaded'],
    [500, 'internal error', 'server'],
    [502, 'bad gateway', 'server'],
    [408, 'request timeout', 'timeout'],
    [401, 'Incorrect API key provided', 'auth'],
    [403, 'permission denied', 'auth'],
    [400, "This model's maximum context length is 128000 tokens", 'context_length'],
    [400, 'prompt is too long: 210000 tokens > 200000 maximum', 'context_length'],
    [400, 'The input token count exceeds the maximum number of tokens allowed', 'context_length'],
    [400, "The response was filtered due to the prompt triggering Azure OpenAI's content management policy", 'content_filter'],
    [400, 'Request blocked for safety reasons', 'content_filter'],
    [400, "'messages' must contain the word 'json'", 'invalid_request'],
    [404, 'model not found', 'invalid_request'],
    [422, 'unprocessable', 'invalid_request'],
  ];
  for (const [status, message, kind] of cases) assert.equal(classifyStatus(status, message), kind, `${status} ${message}`);
});

test('exactly the provider-side kinds are retryable', () => {
  const retryable = providerErrorKinds.filter((k) => new ProviderError(k, 'x').retryable);
  assert.deepEqual(retryable, ['rate_limited', 'overloaded', 'server', 'timeout', 'network']);
});

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { jsonSyntaxReason } from './json-syntax-reason.ts';

const reasonFor = (body: string): string | null => {
  try {
    JSON.parse(body);
  } catch (err) {
    return jsonSyntaxReason((err as Error).message);
  }
  throw new Error(`${body} parsed`);
};

const messageOf = (body: string): string => {
  try {
    JSON.parse(body);
  } catch (err) {
    return (err as Error).message;
  }
  throw new Error(`${body} parsed`);
};

test('a malformed body is answered with the parser reason and position, never with the body', () => {
  assert.equal(reasonFor('{"a":1'), "Expected ',' or '}' after property value at character 6");
  assert.equal(reasonFor(''), 'the body ends before the JSON value does');
  assert.equal(reasonFor('{"a":1} x'), 'Unexpected non-whitespace character after JSON at position 8');
  // V8 quotes the body in this shape: only the offending character is kept.
  const secret = '{"api_key":"sk-live-0123456789"}}';
  const quoted = reasonFor('{"api_key":"sk-live-0123456789", }');
  assert.ok(quoted !== null && !quoted.includes('sk-live'), String(quoted));
  assert.equal(reasonFor(secret), 'Unexpected non-whitespace character after JSON at position 32');
  for (const body of ['{"api_key":"sk-live-0123456789" x}', '{"api_key": sk-live-0123456789}', "{'api_key':'sk-live-0123456789'}"]) {
    const reason = reasonFor(body);
    assert.ok(reason === null || !reason.includes('sk-live'), `${body} → ${reason}`);
  }
  assert.equal(jsonSyntaxReason('something V8 may say one day, "quoting" the body'), null);
  // A server that appends the body to V8's message (graphql-yoga's parser does): the body goes.
  const body = '{"token": "tok-pasted" ';
  assert.equal(jsonSyntaxReason(`${messageOf(body)}, "${body}" is not valid JSON`), "Expected ',' or '}' after property value at character 23");
  assert.equal(jsonSyntaxReason(`Unexpected end of JSON input, "" is not valid JSON`), 'the body ends before the JSON value does');
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { redact } from './redact.ts';

test('contact details, cards, SSNs and addresses are replaced by their kind', () => {
  assert.equal(redact('mail jane.doe+x@example.co.uk now'), 'mail [EMAIL] now');
  assert.equal(redact('card 4242 4242 4242 4242 exp 12/29'), 'card [CARD] exp 12/29');
  assert.equal(redact('ssn 123-45-6789'), 'ssn [SSN]');
  assert.equal(redact('from 10.0.12.255'), 'from [IP]');
  assert.equal(redact('call +1 (415) 555-0132 today'), 'call [PHONE] today');
});

test('credentials are redacted: provider keys, cloud keys, tokens, JWTs', () => {
  assert.equal(redact('key sk-proj-abcdefghijklmnop1234'), 'key [SECRET]');
  assert.equal(redact('aws AKIAABCDEFGHIJKLMNOP'), 'aws [SECRET]');
  assert.equal(redact('Authorization: Bearer abcdefghijklmnopqrstuvwxyz'), 'Authorization: [SECRET]');
  assert.equal(redact('t eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N'), 't [SECRET]');
  assert.equal(redact('my key is s3cret-value', undefined, ['s3cret-value']), 'my key is [SECRET]');
});

test('ordinary numbers survive: short numbers, non-Luhn digit runs, versions, prices', () => {
  assert.equal(redact('order 1234567890123 shipped'), 'order 1234567890123 shipped');
  assert.equal(redact('version 1.2.3 costs $12.50 for 3 items'), 'version 1.2.3 costs $12.50 for 3 items');
  assert.equal(redact('room 1234'), 'room 1234');
});

test('only the chosen kinds are redacted', () => {
  assert.equal(redact('jane@example.com 10.0.0.1', ['ip']), 'jane@example.com [IP]');
});

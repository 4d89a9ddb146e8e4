import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sampleAttemptEvent } from '../../test/support/sample-event.ts';
import { credentialAlarm } from './credential-alarm.ts';

// Found by a new-user trial: a provider answering 401 to our key showed up nowhere in the log.

test('a provider refusing our credentials is logged once per deployment and interval, naming the deployment, never the key', () => {
  let now = 0;
  const lines: string[] = [];
  const alarm = credentialAlarm((m) => void lines.push(m), { now: () => now }, 60_000);
  const refused = (deployment: string) =>
    sampleAttemptEvent({ route: 'chat', deployment, provider: 'openai', status: 'error', error_class: 'auth', http_status: 401 });
  alarm(sampleAttemptEvent({ route: 'chat', deployment: 'a' }));
  assert.deepEqual(lines, [], 'an ok attempt says nothing');
  alarm(refused('a'));
  alarm(refused('a'));
  alarm(refused('b'));
  assert.deepEqual(lines, [
    'collector: provider openai rejected the credentials of deployment a (route chat, HTTP 401); check the key its api_key_env names',
    'collector: provider openai rejected the credentials of deployment b (route chat, HTTP 401); check the key its api_key_env names',
  ]);
  now = 60_000;
  alarm(refused('a'));
  assert.equal(
    lines[2],
    'collector: provider openai rejected the credentials of deployment a (route chat, HTTP 401) (2 refusals since the last notice); check the key its api_key_env names',
  );
});

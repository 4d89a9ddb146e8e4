import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isFatalProducerError } from './kafka-producer-session.ts';

const protocolError = (type: string) => Object.assign(new Error(type), { type });

test('only errors that make the producer id unusable are fatal, also when kafkajs wraps them', () => {
  assert.equal(isFatalProducerError(protocolError('OUT_OF_ORDER_SEQUENCE_NUMBER')), true);
  assert.equal(isFatalProducerError(new Error('retries exceeded', { cause: protocolError('UNKNOWN_PRODUCER_ID') })), true);
  // Transient: a lost connection, a leader moving, a timeout — the same producer retries the same batch.
  for (const type of ['NOT_LEADER_FOR_PARTITION', 'REQUEST_TIMED_OUT', 'NETWORK_EXCEPTION'])
    assert.equal(isFatalProducerError(protocolError(type)), false, type);
  assert.equal(isFatalProducerError(Object.assign(new Error('Connection closed'), { name: 'KafkaJSConnectionClosedError' })), false);
  const cyclic: Error & { cause?: unknown } = new Error('cyclic');
  cyclic.cause = cyclic;
  assert.equal(isFatalProducerError(cyclic), false);
});

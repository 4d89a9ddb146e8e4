import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkAnswer } from './check-answer.ts';
import { contractOf } from './request-contract.ts';
import { SchemaValidators } from './schema-validators.ts';
import { structuralDifferences } from './structural-compare.ts';

const validators = new SchemaValidators();
const base = { model: 'chat', messages: [], stream: false };
const answer = (content: string, toolCalls: Array<{ name: string; arguments: string }> = [], finishReason: string | null = 'stop') => ({
  content,
  toolCalls,
  finishReason,
});

describe('checkAnswer', () => {
  it('has no contract for plain requests, and checks tool_choice none', () => {
    assert.equal(contractOf(base), null);
    assert.equal(checkAnswer(null, answer('x'), validators).outcome, 'none');
    const none = contractOf({ ...base, tools: [{ type: 'function', function: { name: 'f' } }], tool_choice: 'none' });
    assert.equal(checkAnswer(none, answer('', [{ name: 'f', arguments: '{}' }]), validators).outcome, 'unknown_tool');
  });

  it('tool arguments that are not JSON, or not an object without a schema, are invalid_tool_args', () => {
    const c = contractOf({ ...base, tools: [{ type: 'function', function: { name: 'f' } }] });
    assert.equal(checkAnswer(c, answer('', [{ name: 'f', arguments: '{"a":' }]), validators).outcome, 'invalid_tool_args');
    assert.equal(checkAnswer(c, answer('', [{ name: 'f', arguments: '[1]' }]), validators).outcome, 'invalid_tool_args');
    assert.equal(checkAnswer(c, answer('', [{ name: 'f', arguments: '' }]), validators).outcome, 'ok');
  });

  it('an empty answer under JSON mode is invalid_json; a schema that does not compile checks JSON only', () => {
    const c = contractOf({ ...base, response_format: { type: 'json_object' } });
    assert.equal(checkAnswer(c, answer(''), validators).outcome, 'invalid_json');
    const broken = contractOf({ ...base, response_format: { type: 'json_schema', json_schema: { name: 'x', schema: { type: 'no-such-type' } } } });
    assert.equal(checkAnswer(broken, answer('{"a":1}'), validators).outcome, 'ok');
  });

  it('details never quote the answer', () => {
    const c = contractOf({ ...base, response_format: { type: 'json_object' } });
    assert.doesNotMatch(checkAnswer(c, answer('secret-123 {'), validators).detail, /secret/);
  });
});

describe('structuralDifferences', () => {
  const side = (content: string, tools: string[] = [], outcome = 'ok' as const) => ({
    outcome,
    shape: answer(
      content,
      tools.map((name) => ({ name, arguments: '{}' })),
      tools.length ? 'tool_calls' : 'stop',
    ),
  });
  it('matches answers of similar length and shape, and names each difference', () => {
    assert.deepEqual(structuralDifferences(side('a'.repeat(100)), side('b'.repeat(150))), []);
    assert.deepEqual(structuralDifferences(side('a'.repeat(100)), side('b'.repeat(300))), ['answer_length']);
    assert.deepEqual(structuralDifferences(side('', ['f']), side('', ['g'])), ['tool_names']);
    assert.deepEqual(structuralDifferences(side('{}'), { ...side('{}'), outcome: 'invalid_json' }), ['contract_outcome']);
  });
});

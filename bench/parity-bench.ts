import { checkAnswer } from '../collector/parity/check-answer.ts';
import { contractOf } from '../collector/parity/request-contract.ts';
import { SchemaValidators } from '../collector/parity/schema-validators.ts';

/**
 * Cost of the contract check on the request path: checks per second and µs per check for a
 * JSON-schema answer and a tool call, with the compiled-validator cache warm (the steady state)
 * and cold (a new schema every request). Prints one JSON object.
 */
const N = Number(process.env.PARITY_BENCH_N ?? 20_000);
const schema = {
  type: 'object',
  properties: { name: { type: 'string' }, tags: { type: 'array', items: { type: 'string' } }, age: { type: 'integer', minimum: 0 } },
  required: ['name', 'age'],
  additionalProperties: false,
};
const base = { model: 'chat', messages: [], stream: false };
const jsonContract = contractOf({ ...base, response_format: { type: 'json_schema', json_schema: { name: 'p', schema } } });
const toolContract = contractOf({ ...base, tools: [{ type: 'function', function: { name: 'lookup', parameters: schema } }] });
const answer = { content: JSON.stringify({ name: 'Ada', tags: ['x', 'y'], age: 36 }), toolCalls: [], finishReason: 'stop' };
const call = { content: '', toolCalls: [{ name: 'lookup', arguments: answer.content }], finishReason: 'tool_calls' };

function time(label: string, run: (i: number) => void, n: number) {
  const started = process.hrtime.bigint();
  for (let i = 0; i < n; i++) run(i);
  const us = Number(process.hrtime.bigint() - started) / 1000 / n;
  return { [`${label}_us_per_check`]: Number(us.toFixed(2)), [`${label}_checks_per_s`]: Math.round(1e6 / us) };
}

const validators = new SchemaValidators();
const cold = new SchemaValidators();
console.log(
  JSON.stringify({
    n: N,
    ...time('json_schema_warm', () => checkAnswer(jsonContract, answer, validators), N),
    ...time('tool_call_warm', () => checkAnswer(toolContract, call, validators), N),
    ...time(
      'json_schema_cold',
      (i) =>
        checkAnswer(
          contractOf({ ...base, response_format: { type: 'json_schema', json_schema: { name: 'p', schema: { ...schema, title: `s${i}` } } } }),
          answer,
          cold,
        ),
      Math.min(N, 500),
    ),
  }),
);

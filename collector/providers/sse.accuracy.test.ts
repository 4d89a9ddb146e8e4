import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseSse, type SseMessage } from './sse.ts';

async function parse(...chunks: Array<string | Uint8Array>): Promise<SseMessage[]> {
  async function* body() {
    for (const c of chunks) yield typeof c === 'string' ? new TextEncoder().encode(c) : c;
  }
  const out: SseMessage[] = [];
  for await (const m of parseSse(body())) out.push(m);
  return out;
}

test('events, multi-line data and line endings (LF, CRLF, CR)', async () => {
  assert.deepEqual(await parse('event: message_start\ndata: {"a":1}\n\ndata: one\r\ndata: two\r\n\r\ndata: cr\r\r'), [
    { event: 'message_start', data: '{"a":1}' },
    { event: null, data: 'one\ntwo' },
    { event: null, data: 'cr' },
  ]);
});

test('fields and characters split across chunks, a multibyte character included', async () => {
  const bytes = new TextEncoder().encode('data: héllo\n\n');
  const cut = bytes.indexOf(0xc3) + 1; // inside "é"
  assert.deepEqual(await parse('da', 'ta: [DO', 'NE]\n', '\n', bytes.slice(0, cut), bytes.slice(cut)), [
    { event: null, data: '[DONE]' },
    { event: null, data: 'héllo' },
  ]);
});

test('comments, ids, retry and empty events are skipped; a last message without its blank line still arrives', async () => {
  assert.deepEqual(await parse(': keep-alive\n\nid: 7\nretry: 10\n\nevent: ping\n\ndata: last'), [{ event: null, data: 'last' }]);
});

test('a long stream in small chunks is parsed whole (no message lost at chunk edges)', async () => {
  const text = Array.from({ length: 2000 }, (_, i) => `data: {"i":${i}}\n\n`).join('');
  const chunks = text.match(/[\s\S]{1,7}/g)!;
  const messages = await parse(...chunks);
  assert.equal(messages.length, 2000);
  assert.deepEqual(messages.at(-1), { event: null, data: '{"i":1999}' });
});

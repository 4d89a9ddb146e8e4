import { createParser, type EventSourceMessage } from 'eventsource-parser';

/** One Server-Sent Events message. */
export interface SseMessage {
  event: string | null;
  data: string;
}

/**
 * Parses an SSE byte stream into messages (`event:` and multi-line `data:` fields, blank-line
 * separated, CR, LF or CRLF) with eventsource-parser, which follows the WHATWG parsing rules
 * in linear time. Comments, ids, retry and unknown fields are ignored. A last message the
 * provider did not end with a blank line is still delivered when the stream ends.
 */
export async function* parseSse(body: AsyncIterable<Uint8Array>): AsyncGenerator<SseMessage> {
  const decoder = new TextDecoder();
  let ready: SseMessage[] = [];
  const parser = createParser({ onEvent: (m: EventSourceMessage) => ready.push({ event: m.event ?? null, data: m.data }) });
  const drain = function* () {
    const out = ready;
    ready = [];
    yield* out;
  };
  for await (const bytes of body) {
    parser.feed(decoder.decode(bytes, { stream: true }));
    yield* drain();
  }
  // Ends a last line and message left open by the stream's end.
  parser.feed(`${decoder.decode()}\n\n`);
  yield* drain();
}

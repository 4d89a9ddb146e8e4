import type { AddressInfo } from 'node:net';
import { parseRoutesConfig } from '../../../collector/config/routes-config.ts';
import { composeDispatch } from '../../../collector/dispatch/dispatch-composition.ts';
import { buildRouteTable, type Route } from '../../../collector/dispatch/route-table.ts';
import { createCollectorServer } from '../../../collector/http/collector-server.ts';
import type { AttemptEvent } from '../../../core/events/attempt-event.ts';
import { collectingPublisher } from '../../support/collecting-publisher.ts';

/** The collector over a case's routes, recording its attempt events and log lines. */
export interface CaseCollector {
  origin: string;
  events: AttemptEvent[];
  logs: string[];
  routes: Map<string, Route>;
  close(): Promise<void>;
}

/**
 * Starts the collector with `routes` (the case's routes.yaml, as an object; keys from MOCK_KEY)
 * and fast retries, so a test never waits on real backoff unless it means to.
 */
export async function startCaseCollector(routes: unknown[], extra: Record<string, unknown> = {}): Promise<CaseCollector> {
  const config = parseRoutesConfig({ routes, retry: { base_delay_ms: 1, max_delay_ms: 5 }, ...extra }, 'case routes');
  const table = buildRouteTable(config, { MOCK_KEY: 'mock-key' });
  const events: AttemptEvent[] = [];
  const logs: string[] = [];
  // The collector's own composition: retry, retry budget, circuit breakers and budgets from the routes file.
  const { dispatcher, chat } = composeDispatch({ config, routes: table, publisher: collectingPublisher(events) });
  const server = createCollectorServer({ chat, routeNames: () => dispatcher.routeNames(), log: (m) => void logs.push(m) });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    events,
    logs,
    routes: table,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

/** POSTs JSON and returns status, headers and the parsed body. */
export async function post(url: string, body: unknown, headers: Record<string, string> = {}): Promise<{ status: number; headers: Headers; body: unknown }> {
  const r = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
  const text = await r.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // an SSE body stays text
  }
  return { status: r.status, headers: r.headers, body: parsed };
}

/** The `data:` payloads of an SSE body, parsed where they are JSON. */
export function sseData(text: string): unknown[] {
  return text
    .split('\n')
    .filter((l) => l.startsWith('data: '))
    .map((l) => l.slice(6))
    .map((d) => {
      try {
        return JSON.parse(d);
      } catch {
        return d;
      }
    });
}

/** What an OpenAI client assembles from a chat.completion.chunk stream. */
export function assembleOpenAI(text: string): {
  content: string;
  toolCalls: Array<{ id: string; name: string; arguments: string }>;
  finish: string | null;
  usage: unknown;
  done: boolean;
  errors: unknown[];
} {
  const out = {
    content: '',
    toolCalls: [] as Array<{ id: string; name: string; arguments: string }>,
    finish: null as string | null,
    usage: null as unknown,
    done: false,
    errors: [] as unknown[],
  };
  for (const d of sseData(text)) {
    if (d === '[DONE]') {
      out.done = true;
      continue;
    }
    const frame = d as {
      choices?: Array<{
        delta: { content?: string; tool_calls?: Array<{ index: number; id?: string; function?: { name?: string; arguments?: string } }> };
        finish_reason: string | null;
      }>;
      usage?: unknown;
      error?: unknown;
    };
    if (frame.error) out.errors.push(frame.error);
    if (frame.usage) out.usage = frame.usage;
    for (const c of frame.choices ?? []) {
      out.content += c.delta.content ?? '';
      if (c.finish_reason) out.finish = c.finish_reason;
      for (const t of c.delta.tool_calls ?? []) {
        const call = (out.toolCalls[t.index] ??= { id: '', name: '', arguments: '' });
        call.id ||= t.id ?? '';
        call.name ||= t.function?.name ?? '';
        call.arguments += t.function?.arguments ?? '';
      }
    }
  }
  return out;
}

/** The value at a dotted path (`choices.0.message.content`) of a parsed JSON body; undefined when absent. */
export function at(value: unknown, path: string): unknown {
  let v: unknown = value;
  for (const key of path.split('.')) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<string, unknown>)[key];
  }
  return v;
}

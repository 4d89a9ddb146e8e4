import { messageText } from '../providers/canonical-content.ts';
import type { ChatRequest } from '../providers/provider.ts';
import { redact, type RedactionKind } from './redact.ts';

export interface StoreContentConfig {
  redact: readonly RedactionKind[];
  max_chars: number;
}

/** The conversation as plain lines (`user: …`), images and tool calls named, not inlined. */
export function promptText(request: ChatRequest): string {
  return request.messages
    .map((m) => {
      const images = Array.isArray(m.content) ? m.content.filter((p) => p.type === 'image_url').length : 0;
      const calls = (m.tool_calls ?? []).map((c) => `[tool call ${c.function.name}(${c.function.arguments})]`).join(' ');
      return `${m.role}: ${[messageText(m.content), images ? `[${images} image(s)]` : '', calls].filter(Boolean).join(' ')}`;
    })
    .join('\n');
}

const clip = (text: string, max: number) => (text.length > max ? `${text.slice(0, max)}…[truncated]` : text);

/** What an opted-in route stores: redacted, provider keys removed, each side capped. */
export function storedContent(
  request: ChatRequest,
  completion: string,
  config: StoreContentConfig,
  secrets: readonly string[],
): { prompt: string; completion: string } {
  return {
    prompt: clip(redact(promptText(request), config.redact, secrets), config.max_chars),
    completion: clip(redact(completion, config.redact, secrets), config.max_chars),
  };
}

import { isEmbeddingModel } from '../config/model-kind.ts';
import type { DeploymentConfig } from '../config/routes-config.ts';
import type { ChatRequest } from '../providers/provider.ts';

/** What a request needs from the deployment that serves it. */
export interface Requirements {
  tools: boolean;
  vision: boolean;
  jsonMode: boolean;
  /** Prompt plus max_tokens, when some deployment of the route declares a context window. */
  contextTokens: number | null;
  /** Generation parameters the request sets that not every provider can honour. */
  parameters: GatedParameter[];
  embeddings: boolean;
}

/** Parameters that only some providers' APIs have; a deployment that lacks one never gets the request. */
type GatedParameter =
  'n' | 'logprobs' | 'seed' | 'presence_penalty' | 'frequency_penalty' | 'reasoning_effort' | 'thinking' | 'temperature above 1' | 'parallel_tool_calls: false';

/**
 * Which gated parameters each provider honours (from their API references): OpenAI and
 * compatible hosts take them all; Gemini translates seed, penalties and reasoning effort
 * (a thinking budget) but returns one candidate per request here and no logprobs; Anthropic
 * has none of them but reasoning, and its temperature range ends at 1 (OpenAI's and Gemini's
 * at 2). Reasoning, asked as an effort or as a thinking budget (`thinking`), is translated
 * between the two (providers/reasoning.ts); a compatible host is sent the effort only, as there
 * is no telling what it makes of a budget. Gemini has no way to forbid parallel function calls
 * (`parallel_tool_calls: false`); Anthropic's is `disable_parallel_tool_use`.
 */
const parameterSupport: Record<DeploymentConfig['provider'], ReadonlySet<GatedParameter>> = {
  openai: new Set([
    'n',
    'logprobs',
    'seed',
    'presence_penalty',
    'frequency_penalty',
    'reasoning_effort',
    'thinking',
    'temperature above 1',
    'parallel_tool_calls: false',
  ]),
  'openai-compatible': new Set([
    'n',
    'logprobs',
    'seed',
    'presence_penalty',
    'frequency_penalty',
    'reasoning_effort',
    'temperature above 1',
    'parallel_tool_calls: false',
  ]),
  gemini: new Set(['seed', 'presence_penalty', 'frequency_penalty', 'reasoning_effort', 'thinking', 'temperature above 1']),
  anthropic: new Set(['reasoning_effort', 'thinking', 'parallel_tool_calls: false']),
};

/**
 * Models that reason, by name, for deployments that do not say (`capabilities.reasoning`):
 * OpenAI's o-series and GPT-5, Claude 3.7 Sonnet and Claude 4 and later, Gemini 2.5 and later.
 * A compatible host's model is not known: it decides.
 */
const reasoningModels: Record<DeploymentConfig['provider'], RegExp | null> = {
  openai: /^(o\d|gpt-5)/i,
  anthropic: /claude-(3-7-|(opus|sonnet|haiku)-[4-9]|[4-9]-)/i,
  gemini: /gemini-(2\.5|[3-9])|thinking/i,
  'openai-compatible': null,
};

function reasons(deployment: DeploymentConfig): boolean {
  return deployment.capabilities.reasoning ?? reasoningModels[deployment.provider]?.test(deployment.model) ?? true;
}

function gatedParameters(request: ChatRequest): GatedParameter[] {
  const out: GatedParameter[] = [];
  if (request.n !== undefined && request.n > 1) out.push('n');
  if (request.logprobs) out.push('logprobs');
  if (request.seed !== undefined) out.push('seed');
  if (request.presence_penalty !== undefined) out.push('presence_penalty');
  if (request.frequency_penalty !== undefined) out.push('frequency_penalty');
  if (request.reasoning_effort !== undefined) out.push('reasoning_effort');
  if (request.thinking_budget !== undefined) out.push('thinking');
  if (request.temperature !== undefined && request.temperature > 1) out.push('temperature above 1');
  if (request.parallel_tool_calls === false && request.tools?.length) out.push('parallel_tool_calls: false');
  return out;
}

export function requirementsOf(request: ChatRequest, contextTokens: number | null): Requirements {
  return {
    parameters: gatedParameters(request),
    embeddings: request.operation === 'embeddings',
    tools: Boolean(request.tools?.length) || request.messages.some((m) => m.role === 'tool' || m.tool_calls?.length),
    vision: request.messages.some((m) => Array.isArray(m.content) && m.content.some((p) => p.type === 'image_url')),
    jsonMode: request.response_format !== undefined && request.response_format.type !== 'text',
    contextTokens,
  };
}

/**
 * Why a deployment cannot serve a request (empty when it can): a missing capability, a context
 * window too small for the counted prompt, a chat request to an embedding model, or a region
 * outside the tenant's allow-list.
 */
export function unmetNeeds(deployment: DeploymentConfig, needs: Requirements, allowedRegions: readonly string[] | undefined): string[] {
  const caps = deployment.capabilities;
  const out: string[] = [];
  if (needs.tools && !caps.tools) out.push('no tool calling');
  if (needs.vision && !caps.vision) out.push('no image input');
  if (needs.jsonMode && !caps.json_mode) out.push('no JSON mode');
  if (needs.contextTokens !== null && caps.context_window !== undefined && needs.contextTokens > caps.context_window) {
    out.push(`context window ${caps.context_window} tokens < ${needs.contextTokens} (prompt + max_tokens)`);
  }
  if (needs.embeddings && deployment.provider === 'anthropic') out.push('anthropic has no embeddings');
  // A real provider refuses chat on an embedding model, and its catalog price bills no output.
  if (!needs.embeddings && isEmbeddingModel(deployment.model)) out.push(`model "${deployment.model}" is an embedding model`);
  const unsupported = needs.parameters.filter((p) => !parameterSupport[deployment.provider].has(p));
  if (unsupported.length) out.push(`${deployment.provider} cannot honour ${unsupported.map((p) => (p === 'n' ? 'n > 1' : p)).join(', ')}`);
  const reasoning = needs.parameters.filter((p) => p === 'reasoning_effort' || p === 'thinking');
  if (reasoning.length && !unsupported.length && !reasons(deployment)) {
    out.push(`model "${deployment.model}" does not reason (${reasoning.join(', ')}; set capabilities.reasoning if it does)`);
  }
  if (allowedRegions && !allowedRegions.includes(deployment.region)) out.push(`region "${deployment.region}" not allowed for this key`);
  return out;
}

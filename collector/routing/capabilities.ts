import type { DeploymentConfig } from '../config/routes-config.ts';
import type { ChatRequest } from '../providers/provider.ts';

/** What a request needs from the deployment that serves it. */
export interface Requirements {
  tools: boolean;
  vision: boolean;
  jsonMode: boolean;
  /** Prompt plus max_tokens, when some deployment of the route declares a context window. */
  contextTokens: number | null;
}

export function requirementsOf(request: ChatRequest, contextTokens: number | null): Requirements {
  return {
    tools: Boolean(request.tools?.length) || request.messages.some((m) => m.role === 'tool' || m.tool_calls?.length),
    vision: request.messages.some((m) => Array.isArray(m.content) && m.content.some((p) => p.type === 'image_url')),
    jsonMode: request.response_format !== undefined && request.response_format.type !== 'text',
    contextTokens,
  };
}

/**
 * Why a deployment cannot serve a request (empty when it can): a missing capability, a context
 * window too small for the counted prompt, or a region outside the tenant's allow-list.
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
  if (allowedRegions && !allowedRegions.includes(deployment.region)) out.push(`region "${deployment.region}" not allowed for this key`);
  return out;
}

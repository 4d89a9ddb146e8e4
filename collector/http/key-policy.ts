import type { AttemptTags } from '../../core/events/attempt-event.ts';
import type { VirtualKeyConfig } from '../config/routes-config.ts';
import { DispatchError } from '../dispatch/dispatch-error.ts';
import type { ChatRequest } from '../providers/provider.ts';

/**
 * What a key allows: its routes and its max_tokens cap. A request without max_tokens gets the
 * cap, so its worst case is bounded. Returns the refusal, or the request to serve: the same
 * object when nothing changes, else a copy — the parsed request is never written to.
 * `tokensParam`: the body field the limit came from, named in the refusal as the caller sent it.
 */
export function applyKeyLimits(
  key: VirtualKeyConfig,
  request: ChatRequest,
  tokensParam: 'max_tokens' | 'max_completion_tokens' = 'max_tokens',
): DispatchError | ChatRequest {
  if (key.routes && !key.routes.includes(request.model)) {
    return new DispatchError(403, 'permission_error', `this API key may not use the model \`${request.model}\``, 'model_not_allowed', 'model');
  }
  if (key.max_tokens === undefined) return request;
  if (request.max_tokens === undefined) return { ...request, max_tokens: key.max_tokens };
  if (request.max_tokens > key.max_tokens) {
    return new DispatchError(
      400,
      'invalid_request_error',
      `${tokensParam} ${request.max_tokens} exceeds this API key's limit of ${key.max_tokens}`,
      'max_tokens_over_limit',
      tokensParam,
    );
  }
  return request;
}

/** The key's attribution wins over headers: a caller cannot bill another team by setting a header. */
export function tagsForKey(key: VirtualKeyConfig, fromHeaders: AttemptTags): AttemptTags {
  return {
    ...fromHeaders,
    api_key_id: key.id,
    team: key.team || fromHeaders.team,
    project: key.project || fromHeaders.project,
    user: key.user || fromHeaders.user,
    environment: key.environment || fromHeaders.environment,
  };
}

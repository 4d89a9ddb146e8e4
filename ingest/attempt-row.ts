import type { AttemptEvent } from '../core/events/attempt-event.ts';

/** The `attempts` table row for one event: the event flattened, tags spread into columns. */
export type AttemptRow = Omit<AttemptEvent, 'tags' | 'error_class' | 'finish_reason' | 'budget' | 'content'> & {
  error_class: string;
  team: string;
  project: string;
  feature: string;
  user: string;
  api_key_id: string;
  environment: string;
  tags_extra: Record<string, string>;
  finish_reason: string;
  budget_decision: string;
  budget_reserved_usd: string;
  budget_delay_ms: number;
  budget_limited_by: string;
  prompt_text: string;
  completion_text: string;
};

export function toAttemptRow(event: AttemptEvent): AttemptRow {
  const { tags, error_class, finish_reason, budget, content, ...rest } = event;
  return {
    ...rest,
    error_class: error_class ?? '',
    team: tags.team,
    project: tags.project,
    feature: tags.feature,
    user: tags.user,
    api_key_id: tags.api_key_id,
    environment: tags.environment,
    tags_extra: tags.extra,
    finish_reason: finish_reason ?? '',
    budget_decision: budget.decision,
    budget_reserved_usd: budget.reserved_usd,
    budget_delay_ms: Math.round(budget.delay_ms),
    budget_limited_by: budget.limited_by,
    prompt_text: content?.prompt ?? '',
    completion_text: content?.completion ?? '',
  };
}

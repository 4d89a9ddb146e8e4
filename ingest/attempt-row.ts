import type { AttemptEvent } from '../core/events/attempt-event.ts';

/** The `attempts` table row for one event: the event flattened, tags spread into columns. */
export type AttemptRow = Omit<AttemptEvent, 'tags' | 'error_class'> & {
  error_class: string;
  team: string;
  project: string;
  feature: string;
  user: string;
  api_key_id: string;
  environment: string;
  tags_extra: Record<string, string>;
};

export function toAttemptRow(event: AttemptEvent): AttemptRow {
  const { tags, error_class, ...rest } = event;
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
  };
}

import { z } from 'zod';
import { ConfigError, describeIssues } from '../../core/errors.ts';

/**
 * The weekly report's environment: where reports are written and the URL they are served
 * under (the link in the delivered summary). Without SWITCHYARD_REPORT_DIR no report is scheduled.
 */
const reportEnvSchema = z.object({
  SWITCHYARD_REPORT_DIR: z.string().min(1).optional(),
  /** Base URL the report directory is served under; unset: the summary links the file path. */
  SWITCHYARD_REPORT_URL: z.url().optional(),
});

export interface ReportSettings {
  dir: string;
  baseUrl: string | null;
}

/** null when reports are off; ConfigError naming the variable when a value is bad. */
export function reportSettings(env: Record<string, string | undefined>): ReportSettings | null {
  const parsed = reportEnvSchema.safeParse({
    SWITCHYARD_REPORT_DIR: env.SWITCHYARD_REPORT_DIR || undefined,
    SWITCHYARD_REPORT_URL: env.SWITCHYARD_REPORT_URL || undefined,
  });
  if (!parsed.success) throw new ConfigError(`weekly report settings are invalid:\n${describeIssues(parsed.error.issues)}`);
  const dir = parsed.data.SWITCHYARD_REPORT_DIR;
  return dir ? { dir, baseUrl: parsed.data.SWITCHYARD_REPORT_URL ?? null } : null;
}

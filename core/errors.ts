/** A configuration that cannot work; the message names the key and what to do. Fatal at startup. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/** Formats zod issues as `path.to.key: problem` lines, the form every config error uses. */
export function describeIssues(issues: ReadonlyArray<{ path: ReadonlyArray<PropertyKey>; message: string }>): string {
  return issues.map((issue) => `  ${issue.path.map(String).join('.') || '(root)'}: ${issue.message}`).join('\n');
}

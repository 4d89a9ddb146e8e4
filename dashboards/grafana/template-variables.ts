/**
 * Grafana's front-end interpolation of dashboard variables, which runs before the datasource
 * sees the SQL: `$var`, `${var}`, `${var:format}` and `[[var]]`, multi-value and "All"
 * (every option of the variable, since our variables set no custom all value), plus the
 * built-in `$__from` / `$__to` (epoch ms). Only the formats our panels use are supported;
 * anything else is an error, so a panel cannot silently depend on an unsupported format.
 */

/**
 * A variable's current selection: a single-value variable's value, a multi-value variable's
 * selected values, or All (= every option).
 */
export type VariableValue = { kind: 'single'; value: string } | { kind: 'multi'; values: string[] } | { kind: 'all'; options: string[] };

const quoteSingle = (v: string) => `'${v.replace(/'/g, "\\'")}'`;

const formats: Record<string, (values: string[]) => string> = {
  singlequote: (vs) => vs.map(quoteSingle).join(','),
  sqlstring: (vs) => vs.map((v) => `'${v.replace(/'/g, "''")}'`).join(','),
  csv: (vs) => vs.join(','),
  raw: (vs) => vs.join(','),
};

function render(value: VariableValue, format: string | undefined): string {
  const values = value.kind === 'all' ? value.options : value.kind === 'multi' ? value.values : [value.value];
  // Without a format the datasource's own formatter applies (CHDatasource.format): an array
  // becomes '…','…' (unescaped), a single value goes in raw.
  if (format === undefined) return value.kind === 'single' ? value.value : `'${values.join("','")}'`;
  const fn = formats[format];
  if (!fn) throw new Error(`template variable format "${format}" is not supported here`);
  return fn(values);
}

/**
 * Substitutes dashboard variables. Built-ins `__from`/`__to` come from the time range;
 * `$__…` names that are not variables (the datasource's macros) are left for the datasource.
 * @throws Error naming an unknown variable or format.
 */
export function interpolateVariables(sql: string, vars: Record<string, VariableValue>, range: { fromMs: number; toMs: number }): string {
  const builtins: Record<string, VariableValue> = {
    __from: { kind: 'single', value: String(range.fromMs) },
    __to: { kind: 'single', value: String(range.toMs) },
  };
  const lookup = (name: string): VariableValue | undefined => vars[name] ?? builtins[name];
  return sql.replace(/\$\{(\w+)(?::(\w+))?\}|\[\[(\w+)(?::(\w+))?\]\]|\$(\w+)/g, (match, n1?: string, f1?: string, n2?: string, f2?: string, n3?: string) => {
    const name = (n1 ?? n2 ?? n3)!;
    const value = lookup(name);
    if (value) return render(value, f1 ?? f2);
    if (name.startsWith('__')) return match;
    throw new Error(`dashboard variable "${name}" is not defined`);
  });
}

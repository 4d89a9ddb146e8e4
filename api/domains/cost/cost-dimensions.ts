import { badInput } from '../../api-errors.ts';

/** GraphQL dimension → chargeback rollup column. A fixed allow-list: the only names that reach SQL. */
export const dimensionColumns = {
  TEAM: 'team',
  PROJECT: 'project',
  FEATURE: 'feature',
  USER: 'user',
  KEY: 'api_key_id',
  ENVIRONMENT: 'environment',
  ROUTE: 'route',
  PROVIDER: 'provider',
  DEPLOYMENT: 'deployment',
  MODEL: 'model',
  TIER: 'tier',
  REGION: 'region',
  OUTCOME: 'outcome',
} as const;
export type Dimension = keyof typeof dimensionColumns;
export const dimensions = Object.keys(dimensionColumns) as Dimension[];

/** One grouping: a dimension, or a tag key (`x-switchyard-tags`). */
export interface GroupKeyInput {
  dimension?: Dimension | null;
  tag?: string | null;
}

/** A grouping as SQL: the expression (a column or `tags[{param}]`) and its bound parameter. */
export interface GroupSql {
  label: { dimension: Dimension | 'TAG'; tag: string | null };
  expr: string;
  params: Record<string, unknown>;
}

const TAG_KEY = /^[A-Za-z0-9_.:-]{1,64}$/;

/** @throws ApiError BAD_USER_INPUT naming `groupBy[i]` */
export function groupSql(keys: readonly GroupKeyInput[], argument = 'groupBy'): GroupSql[] {
  if (keys.length > 6) throw badInput(argument, 'group by at most 6 keys');
  const seen = new Set<string>();
  return keys.map((k, i) => {
    const at = `${argument}[${i}]`;
    if ((k.dimension ? 1 : 0) + (k.tag ? 1 : 0) !== 1) throw badInput(at, 'give exactly one of dimension or tag');
    const id = k.dimension ?? `tag:${k.tag}`;
    if (seen.has(id)) throw badInput(at, `${id} is already grouped on`);
    seen.add(id);
    if (k.dimension) return { label: { dimension: k.dimension, tag: null }, expr: dimensionColumns[k.dimension], params: {} };
    if (!TAG_KEY.test(k.tag!)) throw badInput(`${at}.tag`, 'a tag key: 1–64 letters, digits, _ . : -');
    return { label: { dimension: 'TAG' as const, tag: k.tag! }, expr: `tags[{g${i}:String}]`, params: { [`g${i}`]: k.tag } };
  });
}

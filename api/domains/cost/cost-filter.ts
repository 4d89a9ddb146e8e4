import { badInput } from '../../api-errors.ts';
import { narrowTeams, type Grant } from '../../auth/authorize.ts';
import { teamScopeSql } from '../../schema/team-scope.ts';
import { dimensionColumns, dimensions, type Dimension } from './cost-dimensions.ts';

/** `filter` argument: each listed dimension must be one of the values; tags likewise. */
export type CostFilterInput = Partial<Record<Lowercase<Dimension>, string[] | null>> & {
  tags?: Array<{ key: string; values: string[] }> | null;
};

/** Column names on the table being read, where they differ from the chargeback rollups. */
export interface FilterColumns {
  outcome?: string;
  tags?: string;
}

/**
 * The WHERE conditions of a filter, always including the grant's team scope (narrowed by
 * `filter.team`, refused if it names a team outside the grant).
 * @throws ApiError BAD_USER_INPUT / FORBIDDEN naming `filter.<field>`
 */
export function filterSql(
  filter: CostFilterInput | null | undefined,
  grant: Grant,
  columns: FilterColumns = {},
): { sql: string; params: Record<string, unknown> } {
  const f = filter ?? {};
  const scope = teamScopeSql(narrowTeams(grant, f.team ?? undefined, 'filter.team'));
  const conditions = [scope.sql];
  const params: Record<string, unknown> = { ...scope.params };
  for (const dimension of dimensions) {
    if (dimension === 'TEAM') continue;
    const values = f[dimension.toLowerCase() as Lowercase<Dimension>];
    if (!values) continue;
    if (values.length === 0 || values.length > 1000) throw badInput(`filter.${dimension.toLowerCase()}`, 'give 1 to 1000 values, or leave it out');
    const column = dimension === 'OUTCOME' && columns.outcome ? columns.outcome : dimensionColumns[dimension];
    conditions.push(`${column} IN {f_${dimension}:Array(String)}`);
    params[`f_${dimension}`] = values;
  }
  (f.tags ?? []).forEach((tag, i) => {
    if (!/^[A-Za-z0-9_.:-]{1,64}$/.test(tag.key)) throw badInput(`filter.tags[${i}].key`, 'a tag key: 1–64 letters, digits, _ . : -');
    if (tag.values.length === 0) throw badInput(`filter.tags[${i}].values`, 'give at least one value');
    conditions.push(`${columns.tags ?? 'tags'}[{t${i}k:String}] IN {t${i}v:Array(String)}`);
    params[`t${i}k`] = tag.key;
    params[`t${i}v`] = tag.values;
  });
  return { sql: conditions.join(' AND '), params };
}

export const costFilterTypeDefs = /* GraphQL */ `
  input TagFilter { key: String!, values: [String!]! }

  "Rows must match every field given; within a field, any of its values. Teams outside your token's teams are refused."
  input CostFilter {
    ${dimensions.map((d) => `${d.toLowerCase()}: [String!]`).join('\n    ')}
    tags: [TagFilter!]
  }
`;

/**
 * The WHERE condition that keeps a query inside a grant's teams, with its bound parameter.
 * Every query the API runs over team data includes it; `all` is the only way to skip it.
 */
export function teamScopeSql(teams: 'all' | readonly string[], column = 'team'): { sql: string; params: Record<string, unknown> } {
  if (teams === 'all') return { sql: '1', params: {} };
  // An empty list matches nothing (a service token reading team data sees no rows).
  return { sql: `${column} IN {scope_teams:Array(String)}`, params: { scope_teams: [...teams] } };
}

import { LeaseRenewalUndelivered, leaseAnswerSchema, type LeaseAnswer, type LeaseReport, type LeaseSource } from './lease-protocol.ts';

const NOT_SENT = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EHOSTUNREACH', 'ENETUNREACH']);

const QUERY = `query Leases($collector: String!, $reports: [BudgetLeaseReport!]!) {
  budgetLeases(collector: $collector, reports: $reports) {
    budgets
    leases { budgetId subject periodStartMs allowanceNano spentNano unleasedNano }
  }
}`;

/** The grantor over the API (`budgetLeases`, service role). Errors name the HTTP status or GraphQL error, never the token. */
export function graphqlLeaseSource(apiUrl: string, token: string | undefined): LeaseSource {
  return {
    async renew(collector: string, reports: LeaseReport[], signal: AbortSignal): Promise<LeaseAnswer> {
      const variables = {
        collector,
        reports: reports.map((r) => ({
          ...r,
          periodStartMs: String(r.periodStartMs),
          spentNano: String(r.spentNano),
          reservedNano: String(r.reservedNano),
          wantNano: String(r.wantNano),
        })),
      };
      const res = await fetch(apiUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
        body: JSON.stringify({ query: QUERY, variables }),
        signal,
      }).catch((err: unknown) => {
        // Refused or unresolvable: the request was never sent, so the grantor's book is unchanged.
        const code = (err as { cause?: { code?: string } }).cause?.code ?? '';
        throw NOT_SENT.has(code) ? new LeaseRenewalUndelivered(`budget grantor unreachable (${code})`) : err;
      });
      if (!res.ok) throw new Error(`budget grantor answered HTTP ${res.status}`);
      const body = (await res.json()) as { data?: { budgetLeases?: unknown }; errors?: Array<{ message: string }> };
      if (body.errors?.length) throw new Error(`budget grantor refused: ${body.errors[0]!.message}`);
      return leaseAnswerSchema.parse(body.data?.budgetLeases);
    },
  };
}

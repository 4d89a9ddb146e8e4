export const budgetTypeDefs = /* GraphQL */ `
  enum BudgetScope {
    ORG
    TEAM
    PROJECT
    FEATURE
    USER
    KEY
  }
  enum BudgetPeriod {
    DAY
    WEEK
    MONTH
  }
  enum BudgetAction {
    REJECT
    DOWNGRADE
    DELAY
  }
  enum BudgetStatusLevel {
    OK
    WARNING
    EXCEEDED
    FORECAST_EXCEEDED
  }

  "One budget for one subject (the team, key… it counts for; empty for ORG) in its current period. Money in USD."
  type Budget {
    id: String!
    scope: BudgetScope!
    subject: String!
    parent: String
    period: BudgetPeriod!
    timeZone: String!
    periodStart: DateTime!
    periodEnd: DateTime!
    limit: Decimal!
    "What the thresholds are shares of (the limit unless set)."
    softLimit: Decimal!
    thresholds: [Float!]!
    "Spend of record: the chargeback rollup or the collectors' lease reports, whichever is larger."
    spent: Decimal!
    "Held back at the collectors: the worst cases of requests in flight, plus each lease's low-water amount (what the recent spend rate uses while a renewal is out), so it is not 0 while traffic flows."
    reserved: Decimal!
    "Granted to collectors and not yet spent."
    leased: Decimal!
    remaining: Decimal!
    burnRatePerHour: Decimal!
    "Expected spend at period end: the policy service's minute forecast (run rate shaped by the daily pattern), the plain run rate before its first evaluation."
    forecast: Decimal!
    status: BudgetStatusLevel!
    action: BudgetAction!
    shadow: Boolean!
    failOpen: Boolean!
  }

  "A budget to create or change; amounts in USD as decimal strings."
  input BudgetInput {
    scope: BudgetScope!
    "Tag value, or * for each value separately."
    match: String
    parent: String
    period: BudgetPeriod!
    "IANA time zone; default UTC."
    timeZone: String
    limit: Decimal!
    softLimit: Decimal
    thresholds: [Float!]
    action: BudgetAction
    maxDelayMs: Int
    shadow: Boolean
    failOpen: Boolean
  }

  "A collector's renewal report for one budget subject (nanodollars)."
  input BudgetLeaseReport {
    budgetId: String!
    subject: String!
    periodStartMs: Int64!
    spentNano: Int64!
    reservedNano: Int64!
    wantNano: Int64!
  }

  type BudgetLease {
    budgetId: String!
    subject: String!
    periodStartMs: Int64!
    allowanceNano: Int64!
    spentNano: Int64!
    unleasedNano: Int64!
  }

  type BudgetLeaseAnswer {
    "Every budget in force, as JSON definitions."
    budgets: [String!]!
    leases: [BudgetLease!]!
  }

  type BudgetDeletion {
    id: String!
    deleted: Boolean!
  }

  extend type Query {
    "Budgets in their current periods, per subject; a team-scoped token sees its teams' TEAM budgets."
    budgets(scope: BudgetScope): [Budget!]!
    "The budgets that apply to the caller: its key (token id), its teams, and ORG."
    budgetStatus: [Budget!]!
    "Lease renewal for collectors (service role): a read-modify of the grantor's book, not an operator change, so not audit-logged."
    budgetLeases(collector: String!, reports: [BudgetLeaseReport!]!): BudgetLeaseAnswer!
  }

  extend type Mutation {
    "Creates a budget (finance); audit-logged."
    createBudget(id: String!, input: BudgetInput!): Budget!
    "Replaces a budget's definition (finance); audit-logged. Routes-file budgets are changed in the file."
    updateBudget(id: String!, input: BudgetInput!): Budget!
    "Deletes a budget (finance); audit-logged."
    deleteBudget(id: String!, reason: String!): BudgetDeletion!
  }
`;

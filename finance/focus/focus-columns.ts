import { UNATTRIBUTED } from '../../core/events/attempt-event.ts';

/**
 * The FOCUS 1.2 Cost and Usage columns Switchyard produces (plus the 1.3 columns that apply and
 * our documented `x_` columns), each with the SQL that computes it from one row of the SKU
 * query (`focus-query.ts`) and its metadata. One list drives the SELECT, the metadata file and
 * the docs, so they cannot disagree.
 *
 * The SKU row fields the SQL may use: period_start, period_end (DateTime UTC), provider, model,
 * deployment, region, team, project, feature, api_key_id, price_version, token_type, tokens
 * (UInt64), rate and list_rate (Decimal(18, 9) USD per 1M tokens), cost (Decimal(38, 12) USD,
 * the billed bucket cost summed from each attempt's exact cost).
 */
export interface FocusColumn {
  name: string;
  sql: string;
  /** FOCUS metadata DataType. */
  dataType: 'STRING' | 'DECIMAL' | 'DATETIME' | 'JSON';
  /** Decimal places, for DECIMAL columns: the precision at which the values are exact. */
  scale?: number;
  /** Why the column holds what it holds, for `x_` and non-obvious columns (docs). */
  note?: string;
  /** FOCUS version that introduced it, when newer than 1.2. */
  since?: '1.3';
}

/** The team, or UNATTRIBUTED for requests sent without one. */
const subAccount = `if(team = '', '${UNATTRIBUTED}', team)`;
/** Null on the `unallocated` adjustment rows, which carry cost without per-token pricing. */
const usage = (expr: string) => `if(token_type = 'unallocated', NULL, ${expr})`;
const iso = (expr: string) => `formatDateTime(${expr}, '%Y-%m-%dT%H:%i:%SZ', 'UTC')`;
const providerName = "transform(provider, ['openai', 'anthropic', 'gemini'], ['OpenAI', 'Anthropic', 'Google'], provider)";
const meter =
  "transform(token_type, ['input', 'cached_input', 'cache_write', 'output', 'reasoning'], ['Input Tokens', 'Cache Read Input Tokens', 'Cache Write Input Tokens', 'Output Tokens', 'Reasoning Tokens'], 'Tokens')";
// FOCUS 1.3's SkuPriceDetails TokenType values; 1.2 defines no such property, so it is an x_ key here.
const tokenType =
  "transform(token_type, ['input', 'cached_input', 'cache_write', 'output', 'reasoning'], ['Input', 'CacheRead', 'CacheWrite', 'Output', 'Reasoning'], 'Other')";
/** Quantity in the priced block of 1,000,000 tokens: exact at 6 decimals. */
const pricingQuantity = 'toDecimal128(tokens, 6) / 1000000';
/** unit price × quantity, exact at 15 decimals, then rounded half-up to the 12 declared. */
const listCost = 'toDecimal128(round(toDecimal128(tokens, 0) * list_rate / 1000000, 12), 12)';

export const focusColumns: readonly FocusColumn[] = [
  {
    name: 'BillingAccountId',
    sql: 'provider',
    dataType: 'STRING',
    note: 'one billing account per provider: Switchyard does not know the provider-side account id',
  },
  { name: 'BillingAccountName', sql: `concat(${providerName}, ' account')`, dataType: 'STRING' },
  { name: 'BillingCurrency', sql: "'USD'", dataType: 'STRING' },
  { name: 'BillingPeriodStart', sql: iso('toStartOfMonth(period_start)'), dataType: 'DATETIME', note: 'calendar month (UTC) of the charge period; inclusive' },
  { name: 'BillingPeriodEnd', sql: iso("toDateTime(addMonths(toStartOfMonth(period_start), 1), 'UTC')"), dataType: 'DATETIME', note: 'exclusive' },
  { name: 'ChargePeriodStart', sql: iso('period_start'), dataType: 'DATETIME', note: 'UTC hour or day; inclusive' },
  { name: 'ChargePeriodEnd', sql: iso('period_end'), dataType: 'DATETIME', note: 'exclusive: [start, end)' },
  {
    name: 'ChargeCategory',
    sql: "if(token_type = 'unallocated', 'Adjustment', 'Usage')",
    dataType: 'STRING',
    note: 'Adjustment only for cost stored before events carried per-token pricing (no unit price, no quantity)',
  },
  { name: 'ChargeClass', sql: "CAST(NULL, 'Nullable(String)')", dataType: 'STRING', note: 'null: no corrections are issued' },
  { name: 'ChargeFrequency', sql: "'Usage-Based'", dataType: 'STRING' },
  { name: 'ChargeDescription', sql: `concat(model, ' ', lower(${meter}), ' via ', deployment)`, dataType: 'STRING' },
  { name: 'PricingCategory', sql: "'Standard'", dataType: 'STRING', note: 'pay-as-you-go per token, at the negotiated rate when one is configured' },
  { name: 'PricingUnit', sql: usage("'1000000 Tokens'"), dataType: 'STRING' },
  { name: 'PricingQuantity', sql: usage(pricingQuantity), dataType: 'DECIMAL', scale: 6 },
  { name: 'ConsumedUnit', sql: usage("'Tokens'"), dataType: 'STRING' },
  {
    name: 'ConsumedQuantity',
    sql: usage('toDecimal128(tokens, 1)'),
    dataType: 'DECIMAL',
    scale: 1,
    note: 'token count (written with one decimal place so every reader types it as a decimal)',
  },
  { name: 'ListUnitPrice', sql: usage('list_rate'), dataType: 'DECIMAL', scale: 9, note: 'the catalog rate (@pydantic/genai-prices), USD per 1M tokens' },
  { name: 'ContractedUnitPrice', sql: usage('rate'), dataType: 'DECIMAL', scale: 9, note: 'the applied rate: negotiated (routes file price) or catalog' },
  {
    name: 'PricingCurrency',
    sql: "'USD'",
    dataType: 'STRING',
    note: 'prices are in the billing currency: the PricingCurrency* columns repeat their billing-currency counterparts',
  },
  { name: 'PricingCurrencyListUnitPrice', sql: usage('list_rate'), dataType: 'DECIMAL', scale: 9 },
  { name: 'PricingCurrencyContractedUnitPrice', sql: usage('rate'), dataType: 'DECIMAL', scale: 9 },
  { name: 'PricingCurrencyEffectiveCost', sql: 'cost', dataType: 'DECIMAL', scale: 12 },
  { name: 'ListCost', sql: `if(token_type = 'unallocated', cost, ${listCost})`, dataType: 'DECIMAL', scale: 12 },
  {
    name: 'ContractedCost',
    sql: 'cost',
    dataType: 'DECIMAL',
    scale: 12,
    note: 'sum of each attempt’s exact cost for this token bucket; equals ContractedUnitPrice × PricingQuantity for rates of ≤ 6 decimals',
  },
  { name: 'BilledCost', sql: 'cost', dataType: 'DECIMAL', scale: 12, note: 'no commitments or credits: billed = effective = contracted' },
  { name: 'EffectiveCost', sql: 'cost', dataType: 'DECIMAL', scale: 12 },
  {
    name: 'InvoiceId',
    sql: "CAST(NULL, 'Nullable(String)')",
    dataType: 'STRING',
    note: "null: Switchyard does not know the provider's invoice numbers (FOCUS: null when not associated with an invoice)",
  },
  {
    name: 'CommitmentDiscountStatus',
    sql: "CAST(NULL, 'Nullable(String)')",
    dataType: 'STRING',
    note: 'null: providers bill these tokens without commitment discounts',
  },
  { name: 'InvoiceIssuerName', sql: providerName, dataType: 'STRING' },
  { name: 'ProviderName', sql: providerName, dataType: 'STRING' },
  { name: 'PublisherName', sql: providerName, dataType: 'STRING' },
  { name: 'ServiceProviderName', sql: providerName, dataType: 'STRING', since: '1.3', note: 'replaces ProviderName in 1.3' },
  { name: 'HostProviderName', sql: providerName, dataType: 'STRING', since: '1.3', note: 'replaces PublisherName in 1.3; the provider serves its own models' },
  { name: 'ServiceCategory', sql: "'AI and Machine Learning'", dataType: 'STRING' },
  { name: 'ServiceSubcategory', sql: "'Generative AI'", dataType: 'STRING' },
  { name: 'ServiceName', sql: `concat(${providerName}, ' API')`, dataType: 'STRING' },
  { name: 'RegionId', sql: "nullIf(region, '')", dataType: 'STRING', note: 'the deployment’s region from the routes file' },
  { name: 'RegionName', sql: "nullIf(region, '')", dataType: 'STRING' },
  { name: 'SubAccountId', sql: subAccount, dataType: 'STRING', note: 'the team: what showback and chargeback split by' },
  { name: 'SubAccountName', sql: subAccount, dataType: 'STRING' },
  {
    name: 'SkuId',
    sql: usage("concat(provider, '/', model, '/', token_type)"),
    dataType: 'STRING',
    note: 'one SKU per model and token direction / cache action',
  },
  { name: 'SkuMeter', sql: usage(meter), dataType: 'STRING' },
  { name: 'SkuPriceId', sql: usage("concat(provider, '/', model, '/', token_type, '@', toString(rate))"), dataType: 'STRING' },
  { name: 'SkuPriceDetails', sql: usage(`toJSONString(map('x_TokenType', ${tokenType}, 'x_PriceVersion', price_version))`), dataType: 'JSON' },
  {
    name: 'Tags',
    sql: "toJSONString(mapFilter((k, v) -> v != '', map('team', team, 'project', project, 'feature', feature, 'key', api_key_id)))",
    dataType: 'JSON',
    note: 'team, project, feature and key (the one-way key id), as attributed by Switchyard; empty ones left out',
  },
  {
    name: 'x_TokenType',
    sql: 'token_type',
    dataType: 'STRING',
    note: 'input | cached_input | cache_write | output | reasoning (reasoning bills at the output rate)',
  },
  { name: 'x_Deployment', sql: 'deployment', dataType: 'STRING', note: 'the routes file deployment that served the tokens' },
  { name: 'x_Model', sql: 'model', dataType: 'STRING', note: 'the model the provider billed' },
  { name: 'x_PriceVersion', sql: 'price_version', dataType: 'STRING', note: 'catalog or routes-file price version the rates come from' },
];

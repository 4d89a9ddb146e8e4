-- Cost and chargeback per UTC day by everything finance bills on: who (team, project, feature, user,
-- key, environment, free tags), what (route, provider, deployment, model, tier, region, outcome),
-- and the applied and list rates per token direction, so a FOCUS row per token bucket satisfies
-- unit price × quantity = cost. Fed by chargeback_per_day_mv_v2. Read with sum(); group
-- by tags['<key>'] for any tag. Bucket costs plus unallocated_cost_usd equal cost_usd exactly.
CREATE TABLE IF NOT EXISTS chargeback_per_day_v2
(
    day                        Date COMMENT 'UTC day; the charge period is [day, day + 1)',
    team                       LowCardinality(String),
    project                    LowCardinality(String),
    feature                    LowCardinality(String),
    user                       String,
    api_key_id                 LowCardinality(String),
    environment                LowCardinality(String),
    route                      LowCardinality(String),
    provider                   LowCardinality(String),
    deployment                 LowCardinality(String),
    model                      LowCardinality(String),
    tier                       LowCardinality(String),
    region                     LowCardinality(String),
    outcome                    LowCardinality(String) COMMENT 'attempt status, with budget_refused split from rejected',
    price_version              LowCardinality(String),
    tags                       Map(String, String) COMMENT 'x-switchyard-tags, keys sorted',
    input_per_mtok             Decimal(18, 9) COMMENT 'applied rate, USD per million uncached input tokens',
    cached_input_per_mtok      Decimal(18, 9) COMMENT 'applied rate, USD per million cache-read tokens',
    cache_write_per_mtok       Decimal(18, 9) COMMENT 'applied rate, USD per million cache-write tokens',
    output_per_mtok            Decimal(18, 9) COMMENT 'applied rate, USD per million output and reasoning tokens',
    list_input_per_mtok        Decimal(18, 9) COMMENT 'list rate, USD per million uncached input tokens',
    list_cached_input_per_mtok Decimal(18, 9) COMMENT 'list rate, USD per million cache-read tokens',
    list_cache_write_per_mtok  Decimal(18, 9) COMMENT 'list rate, USD per million cache-write tokens',
    list_output_per_mtok       Decimal(18, 9) COMMENT 'list rate, USD per million output and reasoning tokens',
    requests                   SimpleAggregateFunction(sum, UInt64) COMMENT 'requests whose final attempt is here',
    requests_served            SimpleAggregateFunction(sum, UInt64) COMMENT 'requests whose final attempt is here and ok',
    attempts                   SimpleAggregateFunction(sum, UInt64),
    input_tokens               SimpleAggregateFunction(sum, UInt64) COMMENT 'uncached input',
    cached_input_tokens        SimpleAggregateFunction(sum, UInt64),
    cache_write_tokens         SimpleAggregateFunction(sum, UInt64),
    output_tokens              SimpleAggregateFunction(sum, UInt64) COMMENT 'excluding reasoning',
    reasoning_tokens           SimpleAggregateFunction(sum, UInt64),
    input_cost_usd             SimpleAggregateFunction(sum, Decimal(38, 12)) COMMENT 'USD, exact',
    cached_input_cost_usd      SimpleAggregateFunction(sum, Decimal(38, 12)) COMMENT 'USD, exact',
    cache_write_cost_usd       SimpleAggregateFunction(sum, Decimal(38, 12)) COMMENT 'USD, exact',
    output_cost_usd            SimpleAggregateFunction(sum, Decimal(38, 12)) COMMENT 'USD, exact',
    reasoning_cost_usd         SimpleAggregateFunction(sum, Decimal(38, 12)) COMMENT 'USD, exact',
    unallocated_cost_usd       SimpleAggregateFunction(sum, Decimal(38, 12)) COMMENT 'USD of rows stored without a per-bucket breakdown',
    cost_usd                   SimpleAggregateFunction(sum, Decimal(38, 12)) COMMENT 'USD, exact, effective (billed) cost',
    list_cost_usd              SimpleAggregateFunction(sum, Decimal(38, 12)) COMMENT 'USD, exact, the same usage at list rates'
)
ENGINE = AggregatingMergeTree
PARTITION BY toYYYYMM(day)
ORDER BY (day, team, project, feature, route, provider, deployment, model, tier, region, outcome, environment, api_key_id, user, price_version,
    input_per_mtok, cached_input_per_mtok, cache_write_per_mtok, output_per_mtok,
    list_input_per_mtok, list_cached_input_per_mtok, list_cache_write_per_mtok, list_output_per_mtok, tags)
SETTINGS non_replicated_deduplication_window = 1000

import { GraphQLScalarType, Kind, type ValueNode } from 'graphql';
import { badInput } from '../api-errors.ts';

/**
 * A timestamp argument as the client sent it. Parsing is deferred to the resolver, which knows
 * the argument's name: graphql-js would report a scalar failure against the *variable* ($x) with
 * its own wording, and the contract is a BAD_USER_INPUT that names the argument.
 */
export class TimeArg {
  constructor(readonly raw: unknown) {}
}

// Date and time in UTC, `Z` or `+00:00`; seconds and up to 3 fractional digits optional
// (DateTime64(3) is the stored precision), or a bare date meaning its 00:00 UTC.
const ISO_UTC = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3}))?)?(?:Z|\+00:00))?$/;

const ISO_UTC_EXAMPLE = 'an ISO-8601 UTC timestamp like "2026-11-01T00:00:00Z" or "2026-11-01"';

/**
 * Reads a strict ISO-8601 UTC timestamp; milliseconds since the epoch. Rejects a missing value
 * (undefined or null: "is required"), other offsets, impossible calendar dates ("2026-02-30") and
 * free text ("Nov 1 2026").
 * @throws ApiError BAD_USER_INPUT naming `argument`
 */
export function parseIsoUtc(value: unknown, argument: string): number {
  const raw = value instanceof TimeArg ? value.raw : value;
  if (raw === undefined || raw === null) throw badInput(argument, `is required (${ISO_UTC_EXAMPLE})`);
  const problem = `expected ${ISO_UTC_EXAMPLE}, got ${JSON.stringify(raw)}`;
  if (typeof raw !== 'string') throw badInput(argument, problem);
  const m = ISO_UTC.exec(raw);
  if (!m) throw badInput(argument, problem);
  const [year, month, day, hour, minute, second, fraction] = m
    .slice(1)
    .map((p, i) => (i === 6 ? Number((p ?? '').padEnd(3, '0')) : Number(p ?? 0))) as number[];
  const ms = Date.UTC(year!, month! - 1, day!, hour!, minute!, second!, fraction!);
  const back = new Date(ms);
  // Date.UTC rolls 30 February over into March; a round trip exposes it.
  const exact =
    back.getUTCFullYear() === year &&
    back.getUTCMonth() === month! - 1 &&
    back.getUTCDate() === day &&
    back.getUTCHours() === hour &&
    back.getUTCMinutes() === minute &&
    back.getUTCSeconds() === second;
  if (!exact || year! < 1970) throw badInput(argument, `${JSON.stringify(raw)} is not a valid UTC date and time`);
  return ms;
}

function literalValue(node: ValueNode): unknown {
  if (node.kind === Kind.STRING) return node.value;
  if (node.kind === Kind.INT || node.kind === Kind.FLOAT) return Number(node.value);
  return `<${node.kind}>`;
}

/** Strict ISO-8601 UTC timestamp in and out (out: always `YYYY-MM-DDTHH:MM:SS.sssZ`). */
export const DateTimeScalar = new GraphQLScalarType({
  name: 'DateTime',
  description:
    'A UTC instant in strict ISO-8601: "2026-11-01T00:00:00Z", "2026-11-01T00:00:00.000+00:00", or a date "2026-11-01" (its 00:00 UTC). Always answered as "YYYY-MM-DDTHH:MM:SS.sssZ".',
  serialize: (value) => (value instanceof Date ? value.toISOString() : new Date(parseIsoUtc(value, 'DateTime')).toISOString()),
  parseValue: (value) => new TimeArg(value),
  parseLiteral: (node) => new TimeArg(literalValue(node)),
});

const DECIMAL = /^-?\d+\.\d+$|^-?\d+$/;

/** Exact decimal strings for money; never a float on the wire. */
export const DecimalScalar = new GraphQLScalarType({
  name: 'Decimal',
  description: 'An exact decimal number as a string ("12.345000000000"); money is USD with 12 decimals unless a field says otherwise.',
  serialize: (value) => {
    if (typeof value !== 'string' || !DECIMAL.test(value)) throw new TypeError(`Decimal must be a decimal string, got ${JSON.stringify(value)}`);
    return value;
  },
  parseValue: (value) => {
    if (typeof value !== 'string' || !DECIMAL.test(value)) throw new TypeError(`expected a decimal string like "12.50", got ${JSON.stringify(value)}`);
    return value;
  },
  parseLiteral: (node) => {
    if (node.kind !== Kind.STRING || !DECIMAL.test(node.value)) throw new TypeError('expected a decimal string like "12.50"');
    return node.value;
  },
});

/** 64-bit counts as strings: JSON numbers lose precision past 2^53. */
export const Int64Scalar = new GraphQLScalarType({
  name: 'Int64',
  description: 'A 64-bit unsigned count as a decimal string ("12345678901234").',
  serialize: (value) => {
    const text = typeof value === 'bigint' ? value.toString() : String(value);
    if (!/^\d+$/.test(text)) throw new TypeError(`Int64 must be a non-negative integer, got ${JSON.stringify(value)}`);
    return text;
  },
  parseValue: (value) => {
    if ((typeof value === 'string' && /^\d{1,20}$/.test(value)) || (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0))
      return BigInt(value);
    throw new TypeError(`expected a non-negative integer string, got ${JSON.stringify(value)}`);
  },
  parseLiteral: (node) => {
    if ((node.kind === Kind.STRING || node.kind === Kind.INT) && /^\d{1,20}$/.test(node.value)) return BigInt(node.value);
    throw new TypeError('expected a non-negative integer string');
  },
});

export const scalarTypeDefs = /* GraphQL */ `
  scalar DateTime
  scalar Decimal
  scalar Int64
`;

export const scalarResolvers = { DateTime: DateTimeScalar, Decimal: DecimalScalar, Int64: Int64Scalar };

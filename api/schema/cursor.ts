import { badInput } from '../api-errors.ts';

/**
 * Opaque keyset cursors: the sort key of the last row returned, as base64url JSON. Keyset (not
 * offset) paging stays stable while rows are appended: a page starts strictly after its cursor.
 */
export function encodeCursor(key: ReadonlyArray<string | number>): string {
  return Buffer.from(JSON.stringify(key)).toString('base64url');
}

/**
 * @param shape the type of each key element, to reject a cursor of another query
 * @throws ApiError BAD_USER_INPUT naming `argument`
 */
export function decodeCursor(cursor: string, shape: ReadonlyArray<'string' | 'number'>, argument = 'after'): Array<string | number> {
  let key: unknown;
  try {
    key = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    key = null;
  }
  if (!Array.isArray(key) || key.length !== shape.length || key.some((k, i) => typeof k !== shape[i])) {
    throw badInput(argument, 'not a cursor of this query; pass the nextCursor of the previous page');
  }
  return key as Array<string | number>;
}

/** `first`: page size within [1, max]. @throws ApiError BAD_USER_INPUT naming `first` */
export function pageSize(first: number, max: number, argument = 'first'): number {
  if (!Number.isInteger(first) || first < 1 || first > max) throw badInput(argument, `must be between 1 and ${max}`);
  return first;
}

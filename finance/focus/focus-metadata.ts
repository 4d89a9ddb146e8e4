import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { focusColumns } from './focus-columns.ts';

export const FOCUS_VERSION = '1.2';

const packageVersion = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

/**
 * The FOCUS metadata written beside every dataset (`<file>.metadata.json`, or
 * `/exports/focus/metadata`): data generator, and the schema — FOCUS version, creation date and
 * one column definition per column with its data type and, for decimals, the scale at which its
 * values are exact. A new SchemaId per export run: the schema is the code's, so it only changes
 * with a release, but a consumer can still tell deliveries apart.
 */
export function focusMetadata(options: { createdAtMs: number; format: 'csv' | 'parquet' }) {
  return {
    DataGenerator: { DataGenerator: 'Switchyard' },
    Schemas: [
      {
        SchemaId: randomUUID(),
        FocusVersion: FOCUS_VERSION,
        CreationDate: new Date(options.createdAtMs).toISOString().replace(/\.\d{3}Z$/, 'Z'),
        DataGeneratorVersion: packageVersion,
        x_Format: options.format,
        ColumnDefinition: focusColumns.map((c) => ({
          ColumnName: c.name,
          DataType: c.dataType,
          ...(c.scale !== undefined ? { NumberScale: c.scale, NumericPrecision: 38 } : {}),
          ...(c.dataType === 'STRING' ? { StringEncoding: 'UTF-8' } : {}),
          ...(c.since ? { x_IntroducedIn: c.since } : {}),
          ...(c.note ? { x_Description: c.note } : {}),
        })),
      },
    ],
  };
}

import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';

/**
 * Compiled JSON-schema validators, cached by the schema's text (clients send the same schema
 * on every request, and compiling costs far more than validating). Ajv is the maintained,
 * spec-complete validator; `strict: false` because providers accept schemas with keywords
 * (`strict`, `additionalProperties` on non-objects, unknown formats) a strict compiler refuses.
 */
export class SchemaValidators {
  private readonly ajv = new Ajv2020({ strict: false, allErrors: false, validateFormats: false, logger: false });
  private readonly cache = new Map<string, ValidateFunction | null>();

  constructor(private readonly maxEntries = 500) {}

  /** The validator for a schema; null when the schema itself does not compile (then only JSON validity is checked). */
  validator(schema: Record<string, unknown>): ValidateFunction | null {
    const key = JSON.stringify(schema);
    const hit = this.cache.get(key);
    if (hit !== undefined) return hit;
    let compiled: ValidateFunction | null;
    try {
      compiled = this.ajv.compile(schema);
    } catch {
      compiled = null;
    }
    // Oldest first out: a Map iterates in insertion order.
    if (this.cache.size >= this.maxEntries) this.cache.delete(this.cache.keys().next().value!);
    this.cache.set(key, compiled);
    return compiled;
  }

  /** '' when valid, else the first error as `<path> <message>`. */
  check(schema: Record<string, unknown>, value: unknown): string {
    const validate = this.validator(schema);
    if (!validate || validate(value)) return '';
    const e = validate.errors?.[0];
    return e ? `${e.instancePath || '(root)'} ${e.message ?? 'is invalid'}` : 'is invalid';
  }
}

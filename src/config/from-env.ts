import { z } from 'zod';

/** The environment variable behind each config leaf: `fromEnv` records it, parseConfig reads it. */
export const ENV_NAMES = z.registry<{ readonly env: string }>();

const emptyToUndefined = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);

/**
 * A config value read from the variable `env` by `rule`; an empty or blank value counts as unset.
 * Typed as a plain ZodType so its key stays required in Config (`T | undefined`, never `key?: T`).
 */
export function fromEnv<S extends z.ZodType>(env: string, rule: S): z.ZodType<z.output<S>> {
  const schema = z.preprocess(emptyToUndefined, rule);
  ENV_NAMES.add(schema, { env });
  return schema;
}

import { z } from 'zod';
import { ENV_NAMES } from './from-env.ts';

/** One environment variable and where its value sits in the parsed config. */
export interface EnvVariable {
  readonly env: string;
  readonly path: readonly string[];
}

/**
 * Every variable a config schema reads, in schema order. Walks objects, `.readonly()` and the input side
 * of pipes (`.transform`); a leaf without `fromEnv` throws at import, so none can be forgotten.
 */
export function envVariables(schema: z.core.$ZodType, path: readonly string[] = []): EnvVariable[] {
  const env = ENV_NAMES.get(schema)?.env;
  if (env !== undefined) return [{ env, path }];
  if (schema instanceof z.ZodReadonly) return envVariables(schema.unwrap(), path);
  if (schema instanceof z.ZodPipe) return envVariables(schema.in, path);
  if (schema instanceof z.ZodObject) {
    return Object.entries(schema.shape).flatMap(([key, field]) => envVariables(field, [...path, key]));
  }
  throw new Error(`config field ${path.join('.')} is not read from the environment (wrap it in fromEnv)`);
}

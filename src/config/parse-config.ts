import type { z } from 'zod';
import { ConfigError } from './config-error.ts';
import { type Config, configSchema } from './config-schema.ts';
import { envVariables } from './env-variables.ts';
import { webhookProblems } from './telegram-config.ts';

const VARIABLES = envVariables(configSchema);

/** Every environment variable the config reads (kept in sync with .env.example by a test). */
export const CONFIG_KEYS: readonly string[] = VARIABLES.map((v) => v.env);

/** Parses the environment once; pure, so tests pass their own env. Throws ConfigError listing all problems. */
export function parseConfig(env: Readonly<Record<string, string | undefined>>): Config {
  const input = nestedInput(env);
  const result = configSchema.safeParse(input);
  const issues = [...(result.error?.issues ?? []), ...webhookProblems(input)];
  if (result.success && issues.length === 0) return result.data;
  const problems = issues.map((i) => `${variableAt(i.path)}: ${i.message}`);
  throw new ConfigError(problems, { cause: result.error });
}

/** The schema's input: every variable's value at its place in the config (unset ones too, as undefined). */
function nestedInput(env: Readonly<Record<string, string | undefined>>): z.input<typeof configSchema> {
  const input: Record<string, unknown> = {};
  for (const { env: name, path } of VARIABLES) {
    let node = input;
    for (const key of path.slice(0, -1)) {
      node[key] ??= {};
      node = node[key] as Record<string, unknown>;
    }
    node[path.at(-1) as string] = env[name];
  }
  return input as z.input<typeof configSchema>;
}

/** Problems name the variable to fix, not the config field. */
function variableAt(path: readonly PropertyKey[]): string {
  const variable = VARIABLES.find((v) => v.path.every((key, i) => path[i] === key));
  return variable?.env ?? path.map(String).join('.');
}

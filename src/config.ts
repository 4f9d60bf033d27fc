import { z } from 'zod';

/** Bot API root used when TELEGRAM_API_ROOT is not set. */
export const TELEGRAM_API_ROOT_DEFAULT = 'https://api.telegram.org';
/** Catalog file (models, prices, Stars packs) used when CATALOG_PATH is not set. */
export const CATALOG_PATH_DEFAULT = './catalog/catalog.json';
/** KIE API base used when KIE_BASE_URL is not set (kie-api.md §1). */
export const KIE_BASE_URL_DEFAULT = 'https://api.kie.ai';

const emptyToUndefined = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);
/** A Telegram bot token as BotFather issues it: `<bot id>:<secret>`. */
const botToken = z.string().regex(/^\d+:[A-Za-z0-9_-]{10,}$/, {
  message: 'must look like 123456:ABC-DEF… (the token BotFather gave you)',
});

const common = {
  BOT_TOKEN: z.preprocess(emptyToUndefined, botToken.optional()),
  TELEGRAM_API_ROOT: z.preprocess(
    emptyToUndefined,
    z
      .url({ message: 'must be an http(s) URL' })
      .default(TELEGRAM_API_ROOT_DEFAULT)
      .transform((u) => u.replace(/\/+$/, '')),
  ),
  DATABASE_URL: z.preprocess(
    emptyToUndefined,
    z
      .string()
      .regex(/^postgres(ql)?:\/\//, { message: 'must be a postgres:// or postgresql:// URL' })
      .optional(),
  ),
  DATA_DIR: z.preprocess(emptyToUndefined, z.string().default('./data')),
  CATALOG_PATH: z.preprocess(emptyToUndefined, z.string().default(CATALOG_PATH_DEFAULT)),
  PORT: z.preprocess(
    emptyToUndefined,
    z.coerce.number({ message: 'must be a port number 0–65535' }).int().min(0).max(65535).default(8080),
  ),
  HOST: z.preprocess(emptyToUndefined, z.string().default('0.0.0.0')),
  ADMIN_IDS: z.preprocess(
    emptyToUndefined,
    z
      .string()
      .default('')
      .transform((s, ctx) => {
        const ids = s
          .split(',')
          .map((p) => p.trim())
          .filter(Boolean);
        const bad = ids.filter((p) => !/^\d+$/.test(p));
        if (bad.length > 0) {
          ctx.addIssue({
            code: 'custom',
            message: `must be comma-separated Telegram user ids, got "${bad[0]}"`,
          });
          return z.NEVER;
        }
        return ids.map(Number);
      }),
  ),
  DEFAULT_LANGUAGE: z.preprocess(
    emptyToUndefined,
    z.enum(['ru', 'en'], { message: 'must be ru or en' }).default('en'),
  ),
  LOG_LEVEL: z.preprocess(
    emptyToUndefined,
    z
      .enum(['error', 'warn', 'info', 'debug'], { message: 'must be one of error, warn, info, debug' })
      .default('info'),
  ),
  LOG_FORMAT: z.preprocess(
    emptyToUndefined,
    z.enum(['json', 'pretty'], { message: 'must be json or pretty' }).optional(),
  ),
  NODE_ENV: z.preprocess(emptyToUndefined, z.string().default('production')),
  SHUTDOWN_TIMEOUT_MS: z.preprocess(
    emptyToUndefined,
    z.coerce.number({ message: 'must be milliseconds' }).int().positive().default(10_000),
  ),
  // Never echoed in problems: zod only reports the path and our message.
  KIE_API_KEY: z.preprocess(emptyToUndefined, z.string().optional()),
  KIE_BASE_URL: z.preprocess(
    emptyToUndefined,
    z
      .url({ message: 'must be an http(s) URL' })
      .default(KIE_BASE_URL_DEFAULT)
      .transform((u) => u.replace(/\/+$/, '')),
  ),
  KIE_TIMEOUT_MS: z.preprocess(
    emptyToUndefined,
    z.coerce.number({ message: 'must be milliseconds' }).int().positive().default(30_000),
  ),
  // KIE's documented limits (kie-api.md §4): 20 creates per 10 s, 10 recordInfo calls per second.
  KIE_CREATE_LIMIT_PER_10S: z.preprocess(
    emptyToUndefined,
    z.coerce.number({ message: 'must be a positive integer' }).int().positive().default(20),
  ),
  KIE_POLL_LIMIT_PER_S: z.preprocess(
    emptyToUndefined,
    z.coerce.number({ message: 'must be a positive integer' }).int().positive().default(10),
  ),
};

const schema = z.object({
  ...common,
  BOT_MODE: z.preprocess(
    emptyToUndefined,
    z.enum(['polling', 'webhook'], { message: 'must be polling or webhook' }).default('polling'),
  ),
  WEBHOOK_URL: z.preprocess(emptyToUndefined, z.url({ message: 'must be an http(s) URL' }).optional()),
  WEBHOOK_SECRET: z.preprocess(
    emptyToUndefined,
    z
      .string()
      .regex(/^[A-Za-z0-9_-]{16,256}$/, {
        message: 'must be 16–256 characters of A-Z a-z 0-9 _ - (Telegram secret_token rules)',
      })
      .optional(),
  ),
});

type Raw = z.output<typeof schema>;

/** Validated, immutable configuration. */
export interface Config {
  readonly botToken: string | undefined;
  readonly telegramApiRoot: string;
  readonly databaseUrl: string | undefined;
  readonly dataDir: string;
  /** JSON file with the generation models and Stars packs (src/catalog). */
  readonly catalogPath: string;
  readonly mode: 'polling' | 'webhook';
  readonly webhook: { readonly url: string; readonly secret: string } | undefined;
  readonly port: number;
  readonly host: string;
  readonly adminIds: readonly number[];
  readonly defaultLanguage: 'ru' | 'en';
  readonly logLevel: 'error' | 'warn' | 'info' | 'debug';
  readonly logFormat: 'json' | 'pretty';
  readonly shutdownTimeoutMs: number;
  /** KIE generation API; `apiKey` undefined means generations are unavailable. */
  readonly kie: KieConfig;
}

/** KIE client settings (see src/clients/kie). */
export interface KieConfig {
  readonly apiKey: string | undefined;
  /** @default 'https://api.kie.ai' */
  readonly baseUrl: string;
  /** @default 30000 */
  readonly timeoutMs: number;
  /** @default 20 */
  readonly createPer10s: number;
  /** @default 10 */
  readonly pollsPerSecond: number;
}

/** Thrown by parseConfig; `problems` lists every invalid variable, one line each. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  readonly problems: readonly string[];
  constructor(problems: readonly string[], options?: ErrorOptions) {
    super(`Invalid config:\n${problems.map((p) => `  - ${p}`).join('\n')}`, options);
    this.problems = problems;
  }
}

/** Parses the environment once; pure, so tests pass their own env. Throws ConfigError listing all problems. */
export function parseConfig(env: Readonly<Record<string, string | undefined>>): Config {
  const result = schema.safeParse(env);
  const problems = result.success ? [] : result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
  // Checked here rather than in a refinement so they are reported together with every other problem.
  if (env.BOT_MODE?.trim() === 'webhook') {
    for (const key of ['WEBHOOK_URL', 'WEBHOOK_SECRET'] as const) {
      if (!env[key]?.trim()) problems.push(`${key}: is required when BOT_MODE=webhook`);
    }
  }
  if (!result.success || problems.length > 0) {
    throw new ConfigError(problems, { cause: result.success ? undefined : result.error });
  }
  return toConfig(result.data);
}

function toConfig(raw: Raw): Config {
  return Object.freeze({
    botToken: raw.BOT_TOKEN,
    telegramApiRoot: raw.TELEGRAM_API_ROOT,
    databaseUrl: raw.DATABASE_URL,
    dataDir: raw.DATA_DIR,
    catalogPath: raw.CATALOG_PATH,
    mode: raw.BOT_MODE,
    webhook:
      raw.BOT_MODE === 'webhook' && raw.WEBHOOK_URL && raw.WEBHOOK_SECRET
        ? Object.freeze({ url: raw.WEBHOOK_URL, secret: raw.WEBHOOK_SECRET })
        : undefined,
    port: raw.PORT,
    host: raw.HOST,
    adminIds: Object.freeze([...raw.ADMIN_IDS]),
    defaultLanguage: raw.DEFAULT_LANGUAGE,
    logLevel: raw.LOG_LEVEL,
    logFormat: raw.LOG_FORMAT ?? (raw.NODE_ENV === 'development' ? 'pretty' : 'json'),
    shutdownTimeoutMs: raw.SHUTDOWN_TIMEOUT_MS,
    kie: Object.freeze({
      apiKey: raw.KIE_API_KEY,
      baseUrl: raw.KIE_BASE_URL,
      timeoutMs: raw.KIE_TIMEOUT_MS,
      createPer10s: raw.KIE_CREATE_LIMIT_PER_10S,
      pollsPerSecond: raw.KIE_POLL_LIMIT_PER_S,
    }),
  });
}

/** The real bot needs a token; the sandbox supplies its own. */
export function requireBotToken(config: Config): string {
  if (!config.botToken) {
    throw new ConfigError([
      'BOT_TOKEN: is not set. Get one from @BotFather, or run `npm run sandbox` to try the bot against local fakes with no token',
    ]);
  }
  return config.botToken;
}

/** Every environment variable the config reads (kept in sync with .env.example by a test). */
export const CONFIG_KEYS: readonly string[] = Object.keys(schema.shape);

import { hostname } from 'node:os';
import { z } from 'zod';

/** Bot API root used when TELEGRAM_API_ROOT is not set. */
export const TELEGRAM_API_ROOT_DEFAULT = 'https://api.telegram.org';
/** Catalog file (models, prices, Stars packs) used when CATALOG_PATH is not set. */
export const CATALOG_PATH_DEFAULT = './catalog/catalog.json';
/** KIE API base used when KIE_BASE_URL is not set (kie-api.md §1). */
export const KIE_BASE_URL_DEFAULT = 'https://api.kie.ai';
/** KIE file-upload host used when KIE_UPLOAD_BASE_URL is not set (kie-api.md §1). */
export const KIE_UPLOAD_BASE_URL_DEFAULT = 'https://kieai.redpandaai.co';

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
  KIE_UPLOAD_BASE_URL: z.preprocess(
    emptyToUndefined,
    z
      .url({ message: 'must be an http(s) URL' })
      .default(KIE_UPLOAD_BASE_URL_DEFAULT)
      .transform((u) => u.replace(/\/+$/, '')),
  ),
  // Like the API key, never echoed in problems.
  KIE_CALLBACK_HMAC_KEY: z.preprocess(emptyToUndefined, z.string().optional()),
};

/** Settings of the generation flow (src/services/generations, src/bot/features/generate). */
const generationVars = {
  DRY_RUN: z.preprocess(
    emptyToUndefined,
    z
      .enum(['true', 'false', '1', '0'], { message: 'must be true or false' })
      .default('false')
      .transform((v) => v === 'true' || v === '1'),
  ),
  PUBLIC_URL: z.preprocess(
    emptyToUndefined,
    z
      .url({ message: 'must be an http(s) URL where KIE can reach this bot' })
      .optional()
      .transform((u) => u?.replace(/\/+$/, '')),
  ),
  GENERATION_MAX_IN_FLIGHT: z.preprocess(
    emptyToUndefined,
    z.coerce.number({ message: 'must be a positive integer' }).int().positive().default(3),
  ),
  GENERATION_TIMEOUT_MS: z.preprocess(
    emptyToUndefined,
    z.coerce
      .number({ message: 'must be milliseconds' })
      .int()
      .positive()
      .default(15 * 60_000),
  ),
  GENERATION_POLL_MS: z.preprocess(
    emptyToUndefined,
    z.coerce.number({ message: 'must be milliseconds' }).int().positive().default(3000),
  ),
  GENERATION_STATUS_INTERVAL_MS: z.preprocess(
    emptyToUndefined,
    z.coerce.number({ message: 'must be milliseconds' }).int().min(0).default(4000),
  ),
  INSTANCE_ID: z.preprocess(
    emptyToUndefined,
    z
      .string()
      .regex(/^[\w.-]{1,64}$/, { message: 'must be 1–64 characters of A-Z a-z 0-9 _ . -' })
      .optional(),
  ),
};

const positiveNumber = (fallback: number, message: string) =>
  z.preprocess(emptyToUndefined, z.coerce.number({ message }).positive({ message }).default(fallback));

/** What money is worth, for the catalog's margin guard (src/catalog/margin-guard.ts, kie-api.md §6, §10). */
const pricingVars = {
  // Third-party figure (kie-api.md §6); KIE may change it, so it is configuration.
  KIE_CREDIT_USD: positiveNumber(0.005, 'must be a positive number of US dollars'),
  // The low end of the reported payout per Star (kie-api.md §10), so the guard errs on the safe side.
  STARS_USD: positiveNumber(0.0087, 'must be a positive number of US dollars'),
  PRICE_MIN_MARGIN: z.preprocess(
    emptyToUndefined,
    z.coerce
      .number({ message: "must be a number of at least 1 (1.3 = sell at 130 % of KIE's cost)" })
      .min(1, { message: "must be a number of at least 1 (1.3 = sell at 130 % of KIE's cost)" })
      .default(1.3),
  ),
};

/** Stars payments: reconciliation against Telegram's record, and where users get help (/paysupport). */
const starsVars = {
  STARS_RECONCILE_INTERVAL_MS: z.preprocess(
    emptyToUndefined,
    z.coerce
      .number({ message: 'must be milliseconds, at least 10000' })
      .int()
      .min(10_000, { message: 'must be milliseconds, at least 10000' })
      .default(5 * 60_000),
  ),
  STARS_RECONCILE_LOOKBACK_MS: z.preprocess(
    emptyToUndefined,
    z.coerce
      .number({ message: 'must be milliseconds, at least 3600000 (1 h)' })
      .int()
      .min(3_600_000, { message: 'must be milliseconds, at least 3600000 (1 h)' })
      .default(7 * 24 * 3_600_000),
  ),
  SUPPORT_CONTACT: z.preprocess(
    emptyToUndefined,
    z.string().max(200, { message: 'must be at most 200 characters' }).optional(),
  ),
};

/** The periodic KIE balance check (src/services/kie-balance) and the threshold its alert uses. */
const kieBalanceVars = {
  KIE_BALANCE_CHECK_MS: z.preprocess(
    emptyToUndefined,
    z.coerce
      .number({ message: 'must be milliseconds (0 turns the check off)' })
      .int({ message: 'must be milliseconds (0 turns the check off)' })
      .min(0, { message: 'must be milliseconds (0 turns the check off)' })
      .default(5 * 60_000),
  ),
  KIE_BALANCE_ALERT_BELOW: z.preprocess(
    emptyToUndefined,
    z.coerce
      .number({ message: 'must be a number of KIE credits, at least 0' })
      .min(0, { message: 'must be a number of KIE credits, at least 0' })
      .default(2000),
  ),
};

/** LLM base used when LLM_BASE_URL is not set: OpenRouter's OpenAI-compatible API (llm-api.md §1). */
export const LLM_BASE_URL_DEFAULT = 'https://openrouter.ai/api/v1';
/** Model used when LLM_MODEL is not set. */
export const LLM_MODEL_DEFAULT = 'openai/gpt-4o-mini';

const positiveInt = (fallback: number, message = 'must be a positive integer') =>
  z.preprocess(emptyToUndefined, z.coerce.number({ message }).int().positive().default(fallback));
const booleanFlag = (fallback: 'true' | 'false') =>
  z.preprocess(
    emptyToUndefined,
    z
      .enum(['true', 'false', '1', '0'], { message: 'must be true or false' })
      .default(fallback)
      .transform((v) => v === 'true' || v === '1'),
  );

/** The LLM client and the protocol flow (src/clients/llm, src/services/protocols). */
const protocolVars = {
  // Never echoed in problems: zod only reports the path and our message.
  LLM_API_KEY: z.preprocess(emptyToUndefined, z.string().optional()),
  LLM_BASE_URL: z.preprocess(
    emptyToUndefined,
    z
      .url({ message: 'must be an http(s) URL' })
      .default(LLM_BASE_URL_DEFAULT)
      .transform((u) => u.replace(/\/+$/, '')),
  ),
  LLM_MODEL: z.preprocess(emptyToUndefined, z.string().default(LLM_MODEL_DEFAULT)),
  LLM_PROVIDER_NAME: z.preprocess(emptyToUndefined, z.string().default('openrouter')),
  LLM_TIMEOUT_MS: positiveInt(120_000, 'must be milliseconds'),
  LLM_MAX_ATTEMPTS: positiveInt(3),
  LLM_CAPTURE_CONTENT: booleanFlag('false'),
  PROTOCOL_SEGMENT_CHARS: z.preprocess(
    emptyToUndefined,
    z.coerce
      .number({ message: 'must be an integer of at least 200' })
      .int()
      .min(200, {
        message: 'must be an integer of at least 200',
      })
      .default(6000),
  ),
  PROTOCOL_CONCURRENCY: positiveInt(4),
  PROTOCOL_MIN_CHARS: positiveInt(1000),
  PROTOCOL_MAX_CHARS: positiveInt(200_000),
  PROTOCOL_PRICE_BASE: z.preprocess(
    emptyToUndefined,
    z.coerce.number({ message: 'must be a whole number of credits' }).int().min(0).default(2),
  ),
  PROTOCOL_PRICE_PER_SEGMENT: z.preprocess(
    emptyToUndefined,
    z.coerce.number({ message: 'must be a whole number of credits' }).int().min(0).default(1),
  ),
  PROTOCOL_PROGRESS_INTERVAL_MS: z.preprocess(
    emptyToUndefined,
    z.coerce.number({ message: 'must be milliseconds' }).int().min(0).default(3000),
  ),
  PROTOCOL_JOB_TIMEOUT_MS: positiveInt(30 * 60_000, 'must be milliseconds'),
  PASTE_MERGE_MS: z.preprocess(
    emptyToUndefined,
    z.coerce.number({ message: 'must be milliseconds' }).int().min(0).default(3000),
  ),
};

const schema = z.object({
  ...common,
  ...generationVars,
  ...protocolVars,
  ...pricingVars,
  ...starsVars,
  ...kieBalanceVars,
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
  readonly generations: GenerationsConfig;
  /** The LLM behind protocols; `apiKey` undefined means protocols are unavailable. */
  readonly llm: LlmConfig;
  readonly protocol: ProtocolConfig;
  /** What a KIE credit and a Star are worth, and the least margin every price must keep. */
  readonly pricing: PricingConfig;
  /** Names this process's worker leases; stable across restarts (defaults to the hostname). */
  readonly instanceId: string;
  /** Stars payments: reconciliation and /paysupport. */
  readonly stars: StarsConfig;
  /** The periodic KIE balance check. */
  readonly kieBalance: KieBalanceConfig;
}

/** The KIE balance check: a free GET /api/v1/chat/credit per instance per interval. */
export interface KieBalanceConfig {
  /** Between two checks; 0 = no checks (no balance gauge). @default 300000 */
  readonly checkIntervalMs: number;
  /** The balance alert fires below this many KIE credits (exported as a gauge). @default 2000 */
  readonly alertBelow: number;
}

/** Reconciliation of Stars payments against getStarTransactions, and the support contact. */
export interface StarsConfig {
  /** Least time between two reconciliation passes (across instances). @default 300000 */
  readonly reconcileIntervalMs: number;
  /** Payments older than this are not reconciled (an operator's matter by then). @default 604800000 (7 d) */
  readonly reconcileLookbackMs: number;
  /** Shown by /paysupport (e.g. `@my_support` or an e-mail); unset: users are asked to write to the bot. */
  readonly supportContact: string | undefined;
}

/** The generation flow's settings. */
export interface GenerationsConfig {
  /** DRY_RUN=true: the whole flow runs, KIE is not called, nothing is charged. */
  readonly dryRun: boolean;
  /** Where KIE can reach this bot (callBackUrl = PUBLIC_URL/kie/callback); polling is then a safety net. */
  readonly publicUrl: string | undefined;
  readonly maxInFlightPerUser: number;
  readonly timeoutMs: number;
  /** First poll interval; later ones grow from it (×3⅓ after 30 s, ×10 after 2 min). */
  readonly pollFirstMs: number;
  /** Least time between two edits of a chat's status message (final states are never held back). */
  readonly statusIntervalMs: number;
}

/** Inputs of the margin guard: every enabled option combination must sell at ≥ KIE cost × minMargin. */
export interface PricingConfig {
  /** @default 0.005 */
  readonly kieCreditUsd: number;
  /** What the operator receives per Star. @default 0.0087 */
  readonly starUsd: number;
  /** @default 1.3 */
  readonly minMargin: number;
}

/** LLM client settings (see src/clients/llm). */
export interface LlmConfig {
  readonly apiKey: string | undefined;
  /** OpenAI-compatible API root. @default 'https://openrouter.ai/api/v1' */
  readonly baseUrl: string;
  /** @default 'openai/gpt-4o-mini' */
  readonly model: string;
  /** `gen_ai.provider.name` on spans and metrics. @default 'openrouter' */
  readonly providerName: string;
  /** Per-attempt timeout of one call. @default 120000 */
  readonly timeoutMs: number;
  /** Attempts per call, the first included (402 and 4xx are never retried). @default 3 */
  readonly maxAttempts: number;
  /** Puts prompts and completions on spans (they may hold personal data). @default false */
  readonly captureContent: boolean;
}

/** The protocol flow's settings (see src/services/protocols). */
export interface ProtocolConfig {
  /** Longest segment in characters; cuts go on paragraph, then sentence boundaries. @default 6000 */
  readonly segmentChars: number;
  /** Segment calls in flight at once per job. @default 4 */
  readonly concurrency: number;
  /** A text message at least this long is offered as a protocol (documents always are). @default 1000 */
  readonly minChars: number;
  /** @default 200000 */
  readonly maxChars: number;
  /** Credits per job. @default 2 */
  readonly priceBase: number;
  /** Credits per segment. @default 1 */
  readonly pricePerSegment: number;
  /** Least time between two progress edits of the status message. @default 3000 */
  readonly progressIntervalMs: number;
  /** From confirmation to giving up and refunding. @default 1800000 */
  readonly jobTimeoutMs: number;
  /**
   * A text message sent at most this long (by Telegram's message dates) after a part a client cut
   * off a longer paste joins it: one quote, one price. 0 turns the merge off. @default 3000
   */
  readonly pasteMergeMs: number;
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
  /** Host of the file-upload API (photos for edit / image-to-video models). @default 'https://kieai.redpandaai.co' */
  readonly uploadBaseUrl: string;
  /** webhookHmacKey from the KIE dashboard; when set, callbacks must carry a valid signature (kie-api.md §5). */
  readonly callbackHmacKey: string | undefined;
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
      uploadBaseUrl: raw.KIE_UPLOAD_BASE_URL,
      callbackHmacKey: raw.KIE_CALLBACK_HMAC_KEY,
    }),
    generations: Object.freeze({
      dryRun: raw.DRY_RUN,
      publicUrl: raw.PUBLIC_URL,
      maxInFlightPerUser: raw.GENERATION_MAX_IN_FLIGHT,
      timeoutMs: raw.GENERATION_TIMEOUT_MS,
      pollFirstMs: raw.GENERATION_POLL_MS,
      statusIntervalMs: raw.GENERATION_STATUS_INTERVAL_MS,
    }),
    instanceId: raw.INSTANCE_ID ?? hostname(),
    stars: Object.freeze({
      reconcileIntervalMs: raw.STARS_RECONCILE_INTERVAL_MS,
      reconcileLookbackMs: raw.STARS_RECONCILE_LOOKBACK_MS,
      supportContact: raw.SUPPORT_CONTACT?.trim(),
    }),
    llm: Object.freeze({
      apiKey: raw.LLM_API_KEY,
      baseUrl: raw.LLM_BASE_URL,
      model: raw.LLM_MODEL,
      providerName: raw.LLM_PROVIDER_NAME,
      timeoutMs: raw.LLM_TIMEOUT_MS,
      maxAttempts: raw.LLM_MAX_ATTEMPTS,
      captureContent: raw.LLM_CAPTURE_CONTENT,
    }),
    kieBalance: Object.freeze({
      checkIntervalMs: raw.KIE_BALANCE_CHECK_MS,
      alertBelow: raw.KIE_BALANCE_ALERT_BELOW,
    }),
    pricing: Object.freeze({
      kieCreditUsd: raw.KIE_CREDIT_USD,
      starUsd: raw.STARS_USD,
      minMargin: raw.PRICE_MIN_MARGIN,
    }),
    protocol: Object.freeze({
      segmentChars: raw.PROTOCOL_SEGMENT_CHARS,
      concurrency: raw.PROTOCOL_CONCURRENCY,
      minChars: raw.PROTOCOL_MIN_CHARS,
      maxChars: raw.PROTOCOL_MAX_CHARS,
      priceBase: raw.PROTOCOL_PRICE_BASE,
      pricePerSegment: raw.PROTOCOL_PRICE_PER_SEGMENT,
      progressIntervalMs: raw.PROTOCOL_PROGRESS_INTERVAL_MS,
      jobTimeoutMs: raw.PROTOCOL_JOB_TIMEOUT_MS,
      pasteMergeMs: raw.PASTE_MERGE_MS,
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

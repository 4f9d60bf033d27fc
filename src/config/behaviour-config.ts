import { z } from 'zod';
import { LANGUAGES } from '../i18n/languages.ts';
import { milliseconds, text } from './env-rules.ts';
import { fromEnv } from './from-env.ts';

/** Who administers the bot, its fallback language, logging and shutdown (.env.example "Behaviour"). */
export const behaviourConfig = {
  /** Telegram user ids with admin rights, from a comma-separated list. @default [] */
  adminIds: fromEnv(
    'ADMIN_IDS',
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
        return Object.freeze(ids.map(Number));
      }),
  ),
  /** Used when a user picked no language and Telegram's is none the bot speaks. @default 'en' */
  defaultLanguage: fromEnv(
    'DEFAULT_LANGUAGE',
    z.enum(LANGUAGES, { message: `must be one of ${LANGUAGES.join(', ')}` }).default('en'),
  ),
  /** @default 'info' */
  logLevel: fromEnv(
    'LOG_LEVEL',
    z
      .enum(['error', 'warn', 'info', 'debug'], { message: 'must be one of error, warn, info, debug' })
      .default('info'),
  ),
  /** Unset: `pretty` when nodeEnv is `development`, else `json` (configSchema decides). */
  logFormat: fromEnv(
    'LOG_FORMAT',
    z.enum(['json', 'pretty'], { message: 'must be json or pretty' }).optional(),
  ),
  /** Read only to pick logFormat's default; not part of Config. @default 'production' */
  nodeEnv: fromEnv('NODE_ENV', text('production')),
  /** How long shutdown waits for running handlers. @default 10000 */
  shutdownTimeoutMs: fromEnv('SHUTDOWN_TIMEOUT_MS', milliseconds(10_000)),
};

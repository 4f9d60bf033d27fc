import { z } from 'zod';
import { httpUrl } from './env-rules.ts';
import { fromEnv } from './from-env.ts';

/** Bot API root used when TELEGRAM_API_ROOT is not set. */
export const TELEGRAM_API_ROOT_DEFAULT = 'https://api.telegram.org';

/** Telegram: the token, the Bot API server and how updates arrive (.env.example "Telegram"). */
export const telegramConfig = {
  /** From @BotFather; only the real bot needs it (requireBotToken), the sandbox brings its own. */
  botToken: fromEnv(
    'BOT_TOKEN',
    z
      .string()
      .regex(/^\d+:[A-Za-z0-9_-]{10,}$/, {
        message: 'must look like 123456:ABC-DEF… (the token BotFather gave you)',
      })
      .optional(),
  ),
  /** Without trailing slashes. @default TELEGRAM_API_ROOT_DEFAULT */
  telegramApiRoot: fromEnv('TELEGRAM_API_ROOT', httpUrl(TELEGRAM_API_ROOT_DEFAULT)),
  /** @default 'polling' */
  mode: fromEnv(
    'BOT_MODE',
    z.enum(['polling', 'webhook'], { message: 'must be polling or webhook' }).default('polling'),
  ),
  /** Webhook mode only (both required then, see webhookProblems); undefined in polling mode. */
  webhook: z.object({
    /** The public https URL Telegram posts updates to. */
    url: fromEnv('WEBHOOK_URL', z.url({ message: 'must be an http(s) URL' }).optional()),
    /** Telegram's secret_token, checked on every webhook request. */
    secret: fromEnv(
      'WEBHOOK_SECRET',
      z
        .string()
        .regex(/^[A-Za-z0-9_-]{16,256}$/, {
          message: 'must be 16–256 characters of A-Z a-z 0-9 _ - (Telegram secret_token rules)',
        })
        .optional(),
    ),
  }),
};

const isBlank = (v: unknown) => typeof v !== 'string' || v.trim() === '';

/**
 * Webhook mode needs both webhook values. Checked on the raw input, not as a refinement: zod skips
 * refinements once a value fails to parse, and every problem must be reported at once.
 */
export function webhookProblems(input: {
  readonly mode?: unknown;
  readonly webhook?: { readonly url?: unknown; readonly secret?: unknown };
}): Array<{ readonly path: readonly string[]; readonly message: string }> {
  if (isBlank(input.mode) || String(input.mode).trim() !== 'webhook') return [];
  return (['url', 'secret'] as const)
    .filter((key) => isBlank(input.webhook?.[key]))
    .map((key) => ({ path: ['webhook', key], message: 'is required when BOT_MODE=webhook' }));
}

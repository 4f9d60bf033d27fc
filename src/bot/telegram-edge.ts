import { autoRetry } from '@grammyjs/auto-retry';
import type { I18n } from '@grammyjs/i18n';
import { Bot, Context } from 'grammy';
import type { UserFromGetMe } from 'grammy/types';
import { type Config, TELEGRAM_API_ROOT_DEFAULT } from '../config.ts';
import type { BotMetrics } from '../telemetry/metrics.ts';
import type { BotContext, BotDeps, UpdateState } from './context.ts';
import { createI18n } from './i18n.ts';
import { apiAttemptsTransformer } from './transformers/api-attempts.ts';
import { apiTracingTransformer } from './transformers/api-tracing.ts';
import { traceHeadersFetch } from './transformers/trace-headers-fetch.ts';

/** Options of the Bot API client. */
export interface TelegramEdgeOptions {
  /** Skips getMe at start-up (tests). */
  readonly botInfo?: UserFromGetMe;
  /** Longest Telegram-requested wait auto-retry honours before failing the call. @default 30 */
  readonly maxRetryDelaySeconds?: number;
  /** Attempts per Bot API call on network failures, first one included (backoff 3 s, 6 s…). @default 3 */
  readonly maxApiAttempts?: number;
}

/** What the edge needs: where Telegram is and the metrics its API spans count into. */
export interface TelegramEdgeDeps {
  readonly config: Pick<Config, 'telegramApiRoot' | 'defaultLanguage'>;
  readonly metrics: BotMetrics;
}

/**
 * The bot before any middleware: its Bot API client (services send through `bot.api`) and its
 * translations. `installFeatures` mounts the middleware once the services exist.
 */
export interface TelegramEdge {
  readonly bot: Bot<BotContext>;
  readonly i18n: I18n<BotContext>;
}

/** The context class: `deps` is set per update by the first middleware `installFeatures` mounts. */
class AppContext extends Context {
  declare readonly deps: BotDeps;
  readonly state: UpdateState = {};
  user: BotContext['user'] = undefined;
}

/** Builds the Bot API client (with its transformers) and i18n; connects nothing. */
export function createTelegramEdge(
  token: string,
  deps: TelegramEdgeDeps,
  options: TelegramEdgeOptions = {},
): TelegramEdge {
  const bot = new Bot<BotContext>(token, {
    ContextConstructor: AppContext as unknown as new (
      ...args: ConstructorParameters<typeof Context>
    ) => BotContext,
    client: {
      apiRoot: deps.config.telegramApiRoot,
      // traceparent + update id for a local Bot API server or the sandbox's fake; Telegram's own
      // servers do nothing with them, so our trace context stays ours.
      ...(deps.config.telegramApiRoot === TELEGRAM_API_ROOT_DEFAULT ? {} : { fetch: traceHeadersFetch() }),
    },
    ...(options.botInfo ? { botInfo: options.botInfo } : {}),
  });

  // Transformers: the one installed last runs first. Attempts (innermost) → auto-retry → tracing (outermost).
  bot.api.config.use(apiAttemptsTransformer(options.maxApiAttempts ?? 3));
  bot.api.config.use(autoRetry({ maxDelaySeconds: options.maxRetryDelaySeconds ?? 30, maxRetryAttempts: 4 }));
  bot.api.config.use(apiTracingTransformer(deps.metrics));

  const i18n = createI18n(deps.config.defaultLanguage);
  return { bot, i18n };
}

import { autoRetry } from '@grammyjs/auto-retry';
import type { I18n } from '@grammyjs/i18n';
import { sequentialize } from '@grammyjs/runner';
import { Bot, Context } from 'grammy';
import type { UserFromGetMe } from 'grammy/types';
import { TELEGRAM_API_ROOT_DEFAULT } from '../config.ts';
import type { InFlight } from '../in-flight.ts';
import type { BotContext, BotDeps, UpdateState } from './context.ts';
import { adminFeature } from './features/admin/admin.ts';
import { balanceFeature } from './features/balance/balance.ts';
import { generateFeature } from './features/generate/generate.ts';
import { generationFollowupsFeature } from './features/generate/generation-followups.ts';
import { helpFeature } from './features/help/help.ts';
import { historyFeature } from './features/history/history.ts';
import { languageFeature } from './features/language/language.ts';
import { paymentsFeature } from './features/payments/payments.ts';
import { paysupportFeature } from './features/payments/paysupport.ts';
import { protocolFeature } from './features/protocol/protocol.ts';
import { startFeature } from './features/start/start.ts';
import { unhandledFeature } from './features/unhandled/unhandled.ts';
import { createErrorHandler, type ErrorHandler } from './handlers/error.ts';
import { createI18n } from './i18n.ts';
import { dedupe } from './middlewares/dedupe.ts';
import { loadUser } from './middlewares/load-user.ts';
import { updateTracing } from './middlewares/update-tracing.ts';
import { apiAttemptsTransformer } from './transformers/api-attempts.ts';
import { apiTracingTransformer } from './transformers/api-tracing.ts';
import { traceHeadersFetch } from './transformers/trace-headers-fetch.ts';
import { UpdateOutcomes } from './update-outcomes.ts';

export interface CreateBotOptions {
  /** Skips getMe at start-up (tests). */
  readonly botInfo?: UserFromGetMe;
  /** Longest Telegram-requested wait auto-retry honours before failing the call. @default 30 */
  readonly maxRetryDelaySeconds?: number;
  /** Attempts per Bot API call on network failures, first one included (backoff 3 s, 6 s…). @default 3 */
  readonly maxApiAttempts?: number;
  /** Counts running updates so shutdown can wait for them. */
  readonly inFlight?: InFlight;
}

/** The bot plus its single error handler (the webhook server needs it too) and its translations. */
export interface AppBot {
  readonly bot: Bot<BotContext>;
  readonly handleError: ErrorHandler;
  readonly i18n: I18n<BotContext>;
  /** Which updates must be redelivered (the webhook server answers 5xx for them). */
  readonly outcomes: UpdateOutcomes;
}

/** Builds the bot: this function is the whole middleware order, top to bottom. */
export function createBot(token: string, deps: BotDeps, options: CreateBotOptions = {}): AppBot {
  class AppContext extends Context {
    readonly deps = deps;
    readonly state: UpdateState = {};
    user: BotContext['user'] = undefined;
  }
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
  const handleError = createErrorHandler(deps, i18n);

  const inFlight = options.inFlight;
  if (inFlight) bot.use((_ctx, next) => inFlight.track(next));
  bot.use(updateTracing(deps.config.mode));
  // Updates of one chat run in order; different chats run concurrently under the runner.
  bot.use(sequentialize((ctx: BotContext) => ctx.chat?.id.toString() ?? ctx.from?.id.toString()));

  // Outside the boundary, so it sees how the features ended (README, De-duplication).
  const outcomes = new UpdateOutcomes();
  bot.use(dedupe(outcomes));
  const core = bot.errorBoundary(handleError);
  core.use(loadUser, i18n);
  // Each feature behind its own boundary, all sharing the one handler.
  for (const feature of [
    startFeature,
    helpFeature,
    languageFeature,
    generateFeature,
    generationFollowupsFeature,
    protocolFeature,
    historyFeature,
    balanceFeature,
    paymentsFeature,
    paysupportFeature,
    adminFeature,
    unhandledFeature,
  ]) {
    core.errorBoundary(handleError).use(feature);
  }

  // The last resort for anything that escapes the boundaries (with the runner and built-in polling).
  bot.catch(handleError);
  return { bot, handleError, i18n, outcomes };
}

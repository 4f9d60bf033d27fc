import type { I18n } from '@grammyjs/i18n';
import type { Bot } from 'grammy';
import type { BotContext, BotDeps } from './context.ts';
import type { ErrorHandler } from './handlers/error.ts';
import { type InstallFeaturesOptions, installFeatures } from './install-features.ts';
import { createTelegramEdge, type TelegramEdgeOptions } from './telegram-edge.ts';
import type { UpdateOutcomes } from './update-outcomes.ts';

/** The Bot API client's options plus the in-flight counter shutdown waits on. */
export interface CreateBotOptions extends TelegramEdgeOptions, InstallFeaturesOptions {}

/** The bot plus its single error handler (the webhook server needs it too) and its translations. */
export interface AppBot {
  readonly bot: Bot<BotContext>;
  readonly handleError: ErrorHandler;
  readonly i18n: I18n<BotContext>;
  /** Which updates must be redelivered (the webhook server answers 5xx for them). */
  readonly outcomes: UpdateOutcomes;
}

/** Builds the bot: the Telegram edge, then the middleware (`installFeatures` shows the order). */
export function createBot(token: string, deps: BotDeps, options: CreateBotOptions = {}): AppBot {
  const edge = createTelegramEdge(token, deps, options);
  return { ...edge, ...installFeatures(edge, deps, options) };
}

import { sequentialize } from '@grammyjs/runner';
import type { InFlight } from '../in-flight.ts';
import type { BotContext, BotDeps } from './context.ts';
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
import { dedupe } from './middlewares/dedupe.ts';
import { loadUser } from './middlewares/load-user.ts';
import { updateTracing } from './middlewares/update-tracing.ts';
import type { TelegramEdge } from './telegram-edge.ts';
import { UpdateOutcomes } from './update-outcomes.ts';

export interface InstallFeaturesOptions {
  /** Counts running updates so shutdown can wait for them. */
  readonly inFlight?: InFlight;
}

/** What the HTTP server needs from the mounted bot. */
export interface InstalledFeatures {
  /** The single error handler (the webhook server needs it too). */
  readonly handleError: ErrorHandler;
  /** Which updates must be redelivered (the webhook server answers 5xx for them). */
  readonly outcomes: UpdateOutcomes;
}

/** Mounts the middleware on the edge's bot: this function is the whole middleware order, top to bottom. */
export function installFeatures(
  { bot, i18n }: TelegramEdge,
  deps: BotDeps,
  options: InstallFeaturesOptions = {},
): InstalledFeatures {
  const handleError = createErrorHandler(deps, i18n);

  // First, so every middleware after it (and the error handler) reads the services from ctx.deps.
  bot.use((ctx, next) => {
    (ctx as { deps: BotDeps }).deps = deps;
    return next();
  });
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
  return { handleError, outcomes };
}

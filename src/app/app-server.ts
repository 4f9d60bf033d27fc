import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Bot } from 'grammy';
import type { BotContext } from '../bot/context.ts';
import type { InstalledFeatures } from '../bot/install-features.ts';
import type { Config } from '../config.ts';
import type { Logger } from '../logger.ts';
import { createHttpServer } from '../server/http-server.ts';
import { createKieCallbackHandler, KIE_CALLBACK_PATH } from '../server/kie-callback-handler.ts';
import { createWebhookHandler } from '../server/webhook-handler.ts';
import type { GenerationService } from '../services/generations/index.ts';

export interface AppServerDeps extends InstalledFeatures {
  readonly config: Config;
  readonly logger: Logger;
  readonly bot: Bot<BotContext>;
  readonly generations: GenerationService | undefined;
  /** /readyz: true once started and the database answers. */
  readonly isReady: () => Promise<boolean>;
}

/** The HTTP server (health, readiness, the webhook in webhook mode, KIE's callbacks); not listening yet. */
export function createAppServer(deps: AppServerDeps): Server {
  const { config, logger, bot, handleError, outcomes, generations, isReady } = deps;
  const webhook = config.webhook
    ? {
        path: new URL(config.webhook.url).pathname,
        handle: createWebhookHandler({
          bot,
          secret: config.webhook.secret,
          handleError,
          logger,
          outcomes,
        }),
      }
    : undefined;
  const posts: Record<string, (req: IncomingMessage, res: ServerResponse) => Promise<void>> = generations
    ? {
        [KIE_CALLBACK_PATH]: createKieCallbackHandler({
          hmacKey: config.kie.callbackHmacKey,
          onCallback: (info, generationId) => generations.callback(info, generationId),
          logger,
        }),
      }
    : {};
  return createHttpServer({ logger, isReady, posts, ...(webhook ? { webhook } : {}) });
}

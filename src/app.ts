import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type RunnerHandle, run } from '@grammyjs/runner';
import { sql } from 'kysely';
import { setBotCommands } from './bot/commands.ts';
import { type AppBot, type CreateBotOptions, createBot } from './bot/index.ts';
import { loadCatalog } from './catalog/index.ts';
import type { Config } from './config.ts';
import { createDatabase, type DatabaseHandle } from './db/database.ts';
import { migrateToLatest } from './db/migrator.ts';
import { claimUpdate, pruneProcessedUpdates } from './db/repositories/processed-update.repository.ts';
import { InFlight } from './in-flight.ts';
import type { Logger } from './logger.ts';
import { createHttpServer } from './server/http-server.ts';
import { createWebhookHandler } from './server/webhook-handler.ts';
import { createBillingService } from './services/billing/billing.service.ts';
import { createUserService } from './services/user.service.ts';
import { createBotMetrics } from './telemetry/metrics.ts';
import { registerSecret } from './telemetry/redact.ts';

/** Claimed update ids are kept this long; Telegram never redelivers anything older than 24 h. */
const PROCESSED_UPDATES_TTL_MS = 48 * 3600 * 1000;

export interface AppOptions extends CreateBotOptions {
  readonly config: Config;
  readonly token: string;
  readonly logger: Logger;
  /** An already open database (tests share one); otherwise opened from the config. */
  readonly database?: DatabaseHandle;
}

/** A running bot with its database and HTTP server. */
export interface App {
  readonly bot: AppBot['bot'];
  readonly database: DatabaseHandle;
  /** The bound HTTP port (health, readiness, webhook). */
  readonly port: number;
  start(): Promise<void>;
  /** Stops intake, lets running handlers finish (bounded), closes the server and the database. Idempotent. */
  stop(): Promise<void>;
}

/** Composition root: wires config, database, services and the bot. Nothing connects before start(). */
export async function createApp(options: AppOptions): Promise<App> {
  const { config, token, logger } = options;
  registerSecret(token);
  registerSecret(config.webhook?.secret);
  // Read before anything connects: a bad catalog stops the bot with every problem listed.
  const catalog = loadCatalog(config.catalogPath);
  const ownsDatabase = !options.database;
  const database =
    options.database ??
    (await createDatabase(config.databaseUrl ? { url: config.databaseUrl } : { dataDir: config.dataDir }));
  const inFlight = new InFlight();
  const appBot = createBot(
    token,
    {
      config,
      logger,
      users: createUserService(database.db),
      claimUpdate: (botId, updateId) => claimUpdate(database.db, botId, updateId),
      metrics: createBotMetrics(),
      billing: createBillingService(database.db),
      packs: catalog.packs,
    },
    { ...options, inFlight },
  );
  const { bot, handleError, i18n } = appBot;

  let runner: RunnerHandle | undefined;
  let server: Server | undefined;
  let ready = false;
  let stopping: Promise<void> | undefined;

  const isReady = async () => {
    if (!ready) return false;
    await sql`select 1`.execute(database.db);
    return true;
  };

  return {
    bot,
    database,
    get port() {
      return (server?.address() as AddressInfo | null)?.port ?? 0;
    },
    async start() {
      await migrateToLatest(database.db, database.schema);
      await pruneProcessedUpdates(database.db, new Date(Date.now() - PROCESSED_UPDATES_TTL_MS));
      await bot.init();
      // A missing command menu is cosmetic: never a reason not to start.
      await setBotCommands(bot, i18n, config.defaultLanguage).catch((error: unknown) =>
        logger.warn('Could not register the command menu', { err: error }),
      );
      const webhook = config.webhook
        ? {
            path: new URL(config.webhook.url).pathname,
            handle: createWebhookHandler({ bot, secret: config.webhook.secret, handleError, logger }),
          }
        : undefined;
      server = createHttpServer({ logger, isReady, ...(webhook ? { webhook } : {}) });
      await new Promise<void>((resolve, reject) => {
        server?.once('error', reject).listen(config.port, config.host, () => resolve());
      });
      if (config.webhook) {
        await bot.api.setWebhook(config.webhook.url, { secret_token: config.webhook.secret });
      } else {
        // getUpdates answers 409 while a webhook is set.
        await bot.api.deleteWebhook();
        runner = run(bot, { runner: { silent: true } });
        runner.task()?.catch((error: unknown) => logger.error('Polling stopped', { err: error }));
      }
      ready = true;
      logger.info('Bot started', {
        mode: config.mode,
        username: bot.botInfo.username,
        port: (server.address() as AddressInfo).port,
      });
    },
    stop() {
      stopping ??= (async () => {
        ready = false;
        logger.info('Shutting down', { in_flight: inFlight.count });
        // Stop intake first: no new connections (webhook), no new getUpdates (polling).
        const closed = server
          ? new Promise<void>((resolve) => server?.close(() => resolve()))
          : Promise.resolve();
        server?.closeIdleConnections();
        if (runner?.isRunning()) {
          // stop() ends the pending getUpdates and resolves when running middleware is done.
          await Promise.race([runner.stop(), delay(config.shutdownTimeoutMs)]);
        }
        const drained = await inFlight.drain(config.shutdownTimeoutMs);
        if (!drained) {
          logger.warn('Shutdown deadline passed with updates in flight', { in_flight: inFlight.count });
        }
        server?.closeAllConnections();
        await closed;
        if (ownsDatabase) await database.destroy();
        logger.info('Stopped');
      })();
      return stopping;
    },
  };
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}

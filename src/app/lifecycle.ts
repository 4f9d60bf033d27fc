import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type RunnerHandle, run } from '@grammyjs/runner';
import { sql } from 'kysely';
import { setAdminCommands, setBotCommands } from '../bot/commands.ts';
import type { InstalledFeatures } from '../bot/install-features.ts';
import type { TelegramEdge } from '../bot/telegram-edge.ts';
import type { Config } from '../config.ts';
import type { DatabaseHandle } from '../db/database.ts';
import { migrateToLatest } from '../db/migrator.ts';
import { pruneProcessedUpdates } from '../db/repositories/processed-update.repository.ts';
import type { InFlight } from '../in-flight.ts';
import type { Logger } from '../logger.ts';
import { createAppServer } from './app-server.ts';
import type { Services } from './services.ts';
import type { Workers } from './workers.ts';

/** Claimed update ids are kept this long; Telegram never redelivers anything older than 24 h. */
const PROCESSED_UPDATES_TTL_MS = 48 * 3600 * 1000;

export interface LifecycleDeps {
  readonly config: Config;
  readonly logger: Logger;
  readonly database: DatabaseHandle;
  /** False when the caller passed its own database (tests share one): stop() leaves it open. */
  readonly ownsDatabase: boolean;
  readonly edge: TelegramEdge;
  readonly installed: InstalledFeatures;
  readonly inFlight: InFlight;
  readonly services: Services;
  readonly workers: Workers;
}

/** Start and stop of a built app. */
export interface Lifecycle {
  /** The bound HTTP port; 0 before start(). */
  readonly port: number;
  start(): Promise<void>;
  /** Idempotent: every call gets the one shutdown. */
  stop(): Promise<void>;
}

/**
 * start(): the database schema first, then the bot's identity and menus, then the HTTP server and
 * intake (webhook or polling), then the workers, and ready (/readyz) last.
 *
 * stop() runs in the order that loses nothing: intake stops first (not ready, no retry sweep, no new
 * connections or getUpdates); the updates in flight drain (bounded by SHUTDOWN_TIMEOUT_MS) while the
 * generation and protocol workers and the periodic tasks stop alongside; then the server's last
 * connections close, the API clients close, and the database closes last, since everything before
 * it may still write. main.ts flushes telemetry after stop(), so the shutdown itself is exported.
 */
export function createLifecycle(deps: LifecycleDeps): Lifecycle {
  const { config, logger, database, ownsDatabase, inFlight, services, workers } = deps;
  const { bot, i18n } = deps.edge;
  const { drafts, worker, protocols, llm, kie, inbox, generations } = services;
  const { retryTask, reconcileTask, balanceTask } = workers;

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
    get port() {
      return (server?.address() as AddressInfo | null)?.port ?? 0;
    },
    async start() {
      await migrateToLatest(database.db, database.schema);
      await pruneProcessedUpdates(database.db, new Date(Date.now() - PROCESSED_UPDATES_TTL_MS));
      await bot.init();
      // Claims of a previous run of this instance died with it: due again at once (the sweep below).
      const interrupted = await inbox.releaseOwn(bot.botInfo.id);
      if (interrupted > 0)
        logger.warn('Updates interrupted by a previous stop will run again', { count: interrupted });
      // A missing command menu is cosmetic: never a reason not to start.
      await setBotCommands(bot, i18n, config.defaultLanguage).catch((error: unknown) =>
        logger.warn('Could not register the command menu', { err: error }),
      );
      await setAdminCommands(bot, i18n, config.defaultLanguage, config.adminIds, logger);
      server = createAppServer({ ...deps.installed, config, logger, bot, generations, isReady });
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
      await drafts.prune();
      await worker?.start();
      // Jobs a stopped or crashed instance left running are resumed (or refunded), never left hanging.
      await protocols?.start();
      // Updates that failed on an infrastructure error (or whose instance died) run again from here.
      retryTask.start();
      // Telegram's own record of Stars payments against the ledger; one instance per interval.
      reconcileTask.start();
      balanceTask?.start();
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
        workers.stopIntake();
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
        // Steps still running keep their lease; this instance's next start resumes them at once.
        const workerStopped = worker?.stop(config.shutdownTimeoutMs);
        // Protocol jobs start no new LLM call; the calls in flight (paid for) may finish and be kept.
        const protocolsStopped = protocols?.stop(config.shutdownTimeoutMs);
        // A retry or a reconciliation in progress finishes (bounded); unfinished updates stay due.
        const sweepsStopped = Promise.all([
          retryTask.stop(config.shutdownTimeoutMs),
          reconcileTask.stop(config.shutdownTimeoutMs),
          balanceTask?.stop(config.shutdownTimeoutMs),
        ]);
        const drained = await inFlight.drain(config.shutdownTimeoutMs);
        await workerStopped;
        if (!drained) {
          logger.warn('Shutdown deadline passed with updates in flight', { in_flight: inFlight.count });
        }
        server?.closeAllConnections();
        await closed;
        // Running protocol jobs are paused with their lease released; the next start resumes them.
        await protocolsStopped;
        await sweepsStopped;
        await llm?.close();
        await kie?.close();
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

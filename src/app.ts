import { randomUUID } from 'node:crypto';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type RunnerHandle, run } from '@grammyjs/runner';
import { sql } from 'kysely';
import { setAdminCommands, setBotCommands } from './bot/commands.ts';
import { createResultDelivery } from './bot/features/generate/deliver-result.ts';
import { createInputPreparer } from './bot/features/generate/prepare-input.ts';
import { createStatusNotifier } from './bot/features/generate/status-notifier.ts';
import { continueKeyboard } from './bot/features/payments/top-up-keyboard.ts';
import { createTelegramProtocolNotifier } from './bot/features/protocol/protocol-notifier.ts';
import { type AppBot, type CreateBotOptions, createBot } from './bot/index.ts';
import { ADMIN_ALERT_KEY } from './bot/message-keys.ts';
import { CatalogError, loadCatalog, marginProblems } from './catalog/index.ts';
import { createKieClient, type KieClient } from './clients/kie/index.ts';
import { createLlmClient } from './clients/llm/index.ts';
import type { Config } from './config.ts';
import { createDatabase, type DatabaseHandle } from './db/database.ts';
import { migrateToLatest } from './db/migrator.ts';
import { pruneProcessedUpdates } from './db/repositories/processed-update.repository.ts';
import { InFlight } from './in-flight.ts';
import type { Logger } from './logger.ts';
import { createHttpServer } from './server/http-server.ts';
import { createKieCallbackHandler, KIE_CALLBACK_PATH } from './server/kie-callback-handler.ts';
import { createWebhookHandler } from './server/webhook-handler.ts';
import { createAdminAlerts } from './services/admin/admin-alerts.ts';
import { createAdminService } from './services/admin/index.ts';
import { type BillingService, createBillingService } from './services/billing/billing.service.ts';
import { createStarsReconciler, type ReconcileReport } from './services/billing/stars-reconciler.ts';
import { createDraftService } from './services/drafts/draft.service.ts';
import {
  callbackSafetyNetSchedule,
  createGenerationService,
  createGenerationWorker,
  pollSchedule,
} from './services/generations/index.ts';
import { runLeased } from './services/jobs/leased-job.ts';
import { createPeriodicTask } from './services/jobs/periodic-task.ts';
import { createKieBalanceMetrics } from './services/kie-balance/kie-balance-metrics.ts';
import { createKieBalancePoller } from './services/kie-balance/kie-balance-poller.ts';
import { createProtocolService } from './services/protocols/index.ts';
import { retryDueUpdates } from './services/updates/retry-due-updates.ts';
import { createUpdateInbox } from './services/updates/update-inbox.ts';
import { createUserService } from './services/user.service.ts';
import { languageOfUser } from './services/user-language.ts';
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
  /** The clock of the update inbox and the Stars reconciliation (tests skip time). @default () => new Date() */
  readonly now?: () => Date;
  /** Test seam: wraps the ledger (fault injection). Production never sets it. */
  readonly decorateBilling?: (billing: BillingService) => BillingService;
}

/** How often unfinished updates are looked for; each one's own backoff decides whether it is due. */
const UPDATE_RETRY_SWEEP_MS = 5_000;
/** The reconciliation's row in job_leases. */
const RECONCILE_JOB = 'stars.reconcile';

/** A running bot with its database and HTTP server. */
export interface App {
  readonly bot: AppBot['bot'];
  readonly database: DatabaseHandle;
  /** The bound HTTP port (health, readiness, webhook). */
  readonly port: number;
  start(): Promise<void>;
  /** Stops intake, lets running handlers finish (bounded), closes the server and the database. Idempotent. */
  stop(): Promise<void>;
  /** One pass of the update retry sweep now (normally every 5 s); how many updates it ran. */
  retryUpdates(): Promise<number>;
  /** One Stars reconciliation pass now if this instance wins its lease and it is due; else undefined. */
  reconcileStars(options?: { readonly force?: boolean }): Promise<ReconcileReport | undefined>;
}

/** Composition root: wires config, database, services and the bot. Nothing connects before start(). */
export async function createApp(options: AppOptions): Promise<App> {
  const { config, token, logger } = options;
  registerSecret(token);
  registerSecret(config.webhook?.secret);
  // Read before anything connects: a bad catalog stops the bot with every problem listed.
  const catalog = loadCatalog(config.catalogPath);
  // …and so does a price below KIE's cost × PRICE_MIN_MARGIN at the cheapest pack.
  const losing = marginProblems(catalog, config.pricing);
  if (losing.length > 0) throw new CatalogError(losing, { file: config.catalogPath });
  const ownsDatabase = !options.database;
  const database =
    options.database ??
    (await createDatabase(config.databaseUrl ? { url: config.databaseUrl } : { dataDir: config.dataDir }));
  const inFlight = new InFlight();
  const users = createUserService(database.db);
  const clock = options.now ?? (() => new Date());
  const plainBilling = createBillingService(database.db);
  const billing = options.decorateBilling?.(plainBilling) ?? plainBilling;
  const inbox = createUpdateInbox({ db: database.db, instanceId: config.instanceId, now: clock });
  // Without a key generations are unavailable (the menu says so); the rest of the bot still runs.
  const kie: KieClient | undefined = config.kie.apiKey
    ? createKieClient({ ...config.kie, apiKey: config.kie.apiKey })
    : undefined;
  const gen = config.generations;
  // DRY_RUN runs the whole flow without KIE, so it needs no key.
  const generations =
    kie || gen.dryRun
      ? createGenerationService({
          db: database.db,
          billing,
          kie,
          dryRun: gen.dryRun,
          maxInFlightPerUser: gen.maxInFlightPerUser,
          timeoutMs: gen.timeoutMs,
          schedule: pollSchedule(gen.pollFirstMs),
          logger,
          // With callbacks, polls are only a safety net for a callback that never comes.
          ...(gen.publicUrl && {
            callbackUrl: (id: string) => `${gen.publicUrl}${KIE_CALLBACK_PATH}?generation=${id}`,
            schedule: callbackSafetyNetSchedule(gen.pollFirstMs),
          }),
          hooks: {
            ...(kie && {
              prepareInput: (g, signal) =>
                createInputPreparer({ api: appBot.bot.api, kie, apiRoot: config.telegramApiRoot, token })(
                  g,
                  signal,
                ),
            }),
            deliver: (g) => delivery(g),
            onProgress: (g, progress) => notify.progress(g, progress),
            notifyFinal: (g) => notify.final(g),
          },
        })
      : undefined;
  const worker = generations
    ? createGenerationWorker({ service: generations, db: database.db, workerId: config.instanceId, logger })
    : undefined;
  const drafts = createDraftService(database.db);
  const admin = createAdminService({
    db: database.db,
    billing,
    users,
    kie,
    adminIds: config.adminIds,
    logger,
    refundStarPayment: (userId, chargeId) => appBot.bot.api.refundStarPayment(userId, chargeId),
  });
  const alerts = createAdminAlerts({
    db: database.db,
    adminIds: config.adminIds,
    logger,
    // Admins read alerts in their own language when they have used the bot, else the default.
    send: async (adminId, alert) => {
      const lang = await languageOfUser(users, adminId, config.defaultLanguage);
      const ref = alert.errorRef
        ? `\n${appBot.i18n.t(lang, 'error-reference', { ref: alert.errorRef })}`
        : '';
      const detail = alert.detail ? `\n${alert.detail}` : '';
      await appBot.bot.api.sendMessage(
        adminId,
        `${appBot.i18n.t(lang, ADMIN_ALERT_KEY[alert.incident] ?? 'admin-alert-other', { incident: alert.incident })}${detail}${ref}`,
      );
    },
  });
  // Without an LLM key protocols are unavailable (the menu says so); the rest of the bot still runs.
  const botMetrics = createBotMetrics();
  const llm = config.llm.apiKey
    ? createLlmClient({
        ...config.llm,
        apiKey: config.llm.apiKey,
        retry: { maxAttempts: config.llm.maxAttempts },
      })
    : undefined;
  const protocols = llm
    ? createProtocolService({
        db: database.db,
        billing,
        llm,
        alerts,
        logger,
        settings: config.protocol,
        errors: botMetrics.errors,
        workerId: `${config.instanceId}/${randomUUID().slice(0, 8)}`,
        notifier: createTelegramProtocolNotifier({
          api: () => appBot.bot.api,
          i18n: () => appBot.i18n,
          billing,
          logger,
        }),
      })
    : undefined;
  const appBot = createBot(
    token,
    {
      config,
      logger,
      users,
      inbox,
      metrics: botMetrics,
      billing,
      packs: catalog.packs,
      alerts,
      admin,
      catalog,
      generations,
      drafts,
      protocols,
    },
    { ...options, inFlight },
  );
  const { bot, handleError, i18n, outcomes } = appBot;
  const reconciler = createStarsReconciler({
    db: database.db,
    billing,
    packs: catalog.packs,
    fetchTransactions: async (offset, limit) =>
      (await bot.api.getStarTransactions({ offset, limit })).transactions,
    notify: async (payment) => {
      const lang = await languageOfUser(users, payment.userId, config.defaultLanguage);
      await bot.api.sendMessage(
        payment.userId,
        i18n.t(lang, 'payment-reconciled', {
          stars: payment.stars,
          credits: payment.credits,
          balance: payment.balanceAfter,
        }),
        // Bought from a confirmation or quote (the payload says): Continue goes back to it.
        payment.target && { reply_markup: continueKeyboard((key) => i18n.t(lang, key), payment.target) },
      );
    },
    logger,
    lookbackMs: config.stars.reconcileLookbackMs,
    now: clock,
  });
  const reconcileLease = {
    db: database.db,
    name: RECONCILE_JOB,
    holder: config.instanceId,
    intervalMs: config.stars.reconcileIntervalMs,
    leaseMs: 10 * 60_000,
    now: clock,
  };
  // Any instance may try; the lease lets one run a pass per interval.
  const reconcileTask = createPeriodicTask({
    name: 'Stars reconciliation',
    intervalMs: Math.min(config.stars.reconcileIntervalMs, 60_000),
    run: () => runLeased(reconcileLease, () => reconciler.reconcile()),
    logger,
  });
  // KIE's balance, checked by every instance (free); no key, DRY_RUN (KIE is never called) or
  // KIE_BALANCE_CHECK_MS=0: no check, no gauge.
  const balanceTask =
    kie && !config.generations.dryRun && config.kieBalance.checkIntervalMs > 0
      ? createKieBalancePoller({
          kie,
          intervalMs: config.kieBalance.checkIntervalMs,
          metrics: createKieBalanceMetrics(config.kieBalance.alertBelow),
          logger,
        })
      : undefined;
  let intakeStopped = false;
  const retryUpdates = () =>
    retryDueUpdates({
      inbox,
      botId: bot.botInfo.id,
      handle: (update) => bot.handleUpdate(update),
      logger,
      stopped: () => intakeStopped,
    });
  const retryTask = createPeriodicTask({
    name: 'Update retry sweep',
    intervalMs: UPDATE_RETRY_SWEEP_MS,
    run: retryUpdates,
    logger,
  });
  const hookDeps = { api: bot.api, i18n, catalog, users, logger, defaultLanguage: config.defaultLanguage };
  const delivery = createResultDelivery(hookDeps);
  const notify = createStatusNotifier({ ...hookDeps, billing, alerts, intervalMs: gen.statusIntervalMs });

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
      // Claims of a previous run of this instance died with it: due again at once (the sweep below).
      const interrupted = await inbox.releaseOwn(bot.botInfo.id);
      if (interrupted > 0)
        logger.warn('Updates interrupted by a previous stop will run again', { count: interrupted });
      // A missing command menu is cosmetic: never a reason not to start.
      await setBotCommands(bot, i18n, config.defaultLanguage).catch((error: unknown) =>
        logger.warn('Could not register the command menu', { err: error }),
      );
      await setAdminCommands(bot, i18n, config.defaultLanguage, config.adminIds, logger);
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
      server = createHttpServer({ logger, isReady, posts, ...(webhook ? { webhook } : {}) });
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
        intakeStopped = true;
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
    retryUpdates,
    reconcileStars: (opts) =>
      opts?.force ? reconciler.reconcile() : runLeased(reconcileLease, () => reconciler.reconcile()),
  };
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}

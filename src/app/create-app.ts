import type { CreateBotOptions } from '../bot/index.ts';
import { installFeatures } from '../bot/install-features.ts';
import { createTelegramEdge, type TelegramEdge } from '../bot/telegram-edge.ts';
import { CatalogError, loadCatalog, marginProblems } from '../catalog/index.ts';
import type { Clock } from '../clock.ts';
import type { Config } from '../config.ts';
import { createDatabase, type DatabaseHandle } from '../db/database.ts';
import { InFlight } from '../in-flight.ts';
import type { Logger } from '../logger.ts';
import type { BillingService } from '../services/billing/billing.service.ts';
import { starsProvider } from '../services/payments/stars/stars-provider.ts';
import type { ReconcileReport } from '../services/payments/stars/stars-reconciler.ts';
import { createUserService } from '../services/user.service.ts';
import { createBotMetrics } from '../telemetry/metrics.ts';
import { registerSecret } from '../telemetry/redact.ts';
import { createLifecycle } from './lifecycle.ts';
import { createServices } from './services.ts';
import { createTelegramSenders } from './telegram-senders.ts';
import { createWorkers } from './workers.ts';

export interface AppOptions extends CreateBotOptions {
  readonly config: Config;
  readonly token: string;
  readonly logger: Logger;
  /** An already open database (tests share one); otherwise opened from the config. */
  readonly database?: DatabaseHandle;
  /** The clock of the update inbox and the Stars reconciliation (tests skip time). @default () => new Date() */
  readonly now?: () => Date;
  /** Test seam: the timers of the update retry sweep and the Stars reconciliation. @default systemClock */
  readonly timers?: Clock;
  /** Test seam: wraps the ledger (fault injection). Production never sets it. */
  readonly decorateBilling?: (billing: BillingService) => BillingService;
}

/** A running bot with its database and HTTP server. */
export interface App {
  readonly bot: TelegramEdge['bot'];
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

/**
 * Composition root, top to bottom: the Telegram edge, the services that send through it, the bot's
 * middleware over those services, the periodic workers, and the lifecycle that starts and stops them.
 * Every dependency exists before it is passed on. Nothing connects before start().
 */
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
  const clock = options.now ?? (() => new Date());

  // 1. The Telegram edge: the Bot API client and i18n (no middleware yet), and what services send with.
  const metrics = createBotMetrics();
  const edge = createTelegramEdge(token, { config, metrics }, options);
  const users = createUserService(database.db);
  const senders = createTelegramSenders({ ...edge, users, config });

  // 2. The services.
  const services = createServices({
    config,
    token,
    logger,
    database,
    catalog,
    metrics,
    edge,
    senders,
    users,
    clock,
    decorateBilling: options.decorateBilling,
  });

  // 3. The bot's middleware and features, over the services.
  const inFlight = new InFlight();
  const { billing, inbox, alerts, admin, generations, drafts, protocols } = services;
  const installed = installFeatures(
    edge,
    {
      config,
      logger,
      users,
      inbox,
      metrics,
      billing,
      packs: catalog.packs,
      payments: starsProvider,
      alerts,
      admin,
      catalog,
      generations,
      drafts,
      protocols,
    },
    { inFlight },
  );

  // 4. The periodic workers, and 5. the lifecycle (lifecycle.ts: start and shutdown order).
  const workers = createWorkers({
    ...services,
    config,
    logger,
    database,
    bot: edge.bot,
    senders,
    catalog,
    clock,
    timers: options.timers,
  });
  const lifecycle = createLifecycle({
    config,
    logger,
    database,
    ownsDatabase,
    edge,
    installed,
    inFlight,
    services,
    workers,
  });

  return {
    bot: edge.bot,
    database,
    get port() {
      return lifecycle.port;
    },
    start: () => lifecycle.start(),
    stop: () => lifecycle.stop(),
    retryUpdates: workers.retryUpdates,
    reconcileStars: workers.reconcileStars,
  };
}

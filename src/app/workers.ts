import type { Bot } from 'grammy';
import type { BotContext } from '../bot/context.ts';
import type { Catalog } from '../catalog/index.ts';
import type { KieClient } from '../clients/kie/index.ts';
import type { Clock } from '../clock.ts';
import type { Config } from '../config.ts';
import type { DatabaseHandle } from '../db/database.ts';
import type { Logger } from '../logger.ts';
import type { BillingService } from '../services/billing/billing.service.ts';
import { runLeased } from '../services/jobs/leased-job.ts';
import { createPeriodicTask, type PeriodicTask } from '../services/jobs/periodic-task.ts';
import { createKieBalanceMetrics } from '../services/kie-balance/kie-balance-metrics.ts';
import { createKieBalancePoller, type KieBalancePoller } from '../services/kie-balance/kie-balance-poller.ts';
import { createStarsReconciler, type ReconcileReport } from '../services/payments/stars/stars-reconciler.ts';
import { retryDueUpdates } from '../services/updates/retry-due-updates.ts';
import type { UpdateInbox } from '../services/updates/update-inbox.ts';
import type { TelegramSenders } from './telegram-senders.ts';

/** How often unfinished updates are looked for; each one's own backoff decides whether it is due. */
const UPDATE_RETRY_SWEEP_MS = 5_000;
/** The reconciliation's row in job_leases. */
const RECONCILE_JOB = 'stars.reconcile';

export interface WorkersDeps {
  readonly config: Config;
  readonly logger: Logger;
  readonly database: DatabaseHandle;
  readonly bot: Bot<BotContext>;
  readonly senders: TelegramSenders;
  readonly catalog: Catalog;
  readonly billing: BillingService;
  readonly inbox: UpdateInbox;
  readonly kie: KieClient | undefined;
  readonly clock: () => Date;
  /** The timers of the retry sweep and the reconciliation (tests move time themselves). @default systemClock */
  readonly timers?: Clock;
}

/** The periodic tasks every instance runs besides the generation and protocol workers. */
export interface Workers {
  /** Re-runs updates that failed on an infrastructure error (or whose instance died). */
  readonly retryTask: PeriodicTask;
  /** Telegram's own record of Stars payments against the ledger; one instance per interval. */
  readonly reconcileTask: PeriodicTask;
  /** KIE's balance gauge; undefined without a key, in DRY_RUN or with KIE_BALANCE_CHECK_MS=0. */
  readonly balanceTask: KieBalancePoller | undefined;
  /** From now on the retry sweep runs no more updates (shutdown). */
  stopIntake(): void;
  /** One pass of the update retry sweep now; how many updates it ran. */
  retryUpdates(): Promise<number>;
  /** One Stars reconciliation pass now if this instance wins its lease and it is due; else undefined. */
  reconcileStars(options?: { readonly force?: boolean }): Promise<ReconcileReport | undefined>;
}

export function createWorkers(deps: WorkersDeps): Workers {
  const { config, logger, database, bot, senders, catalog, billing, inbox, kie, clock, timers } = deps;
  const reconciler = createStarsReconciler({
    db: database.db,
    billing,
    packs: catalog.packs,
    fetchTransactions: async (offset, limit) =>
      (await bot.api.getStarTransactions({ offset, limit })).transactions,
    notify: senders.sendReconciled,
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
    clock: timers,
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
    clock: timers,
  });
  return {
    retryTask,
    reconcileTask,
    balanceTask,
    stopIntake: () => {
      intakeStopped = true;
    },
    retryUpdates,
    reconcileStars: (opts) =>
      opts?.force ? reconciler.reconcile() : runLeased(reconcileLease, () => reconciler.reconcile()),
  };
}

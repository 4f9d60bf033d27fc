import { context } from '@opentelemetry/api';
import type { Kysely } from 'kysely';
import type { CatalogModel } from '../../catalog/index.ts';
import type { KieCallbackInfo, KieClient } from '../../clients/kie/index.ts';
import {
  claimDueGenerations,
  countActiveGenerations,
  findGenerationById,
  listCancellableGenerations,
  listUserGenerations,
  wakeGenerationByTask,
} from '../../db/repositories/generation.repository.ts';
import type { Database } from '../../db/schema.ts';
import type { GenerationRow, GenerationStatus } from '../../db/tables/generations.table.ts';
import type { Logger } from '../../logger.ts';
import type { BillingService } from '../billing/billing.service.ts';
import { ACTIVE_STATUSES, type Generation, toGeneration } from './generation.ts';
import { createGenerationMetrics } from './generation-metrics.ts';
import type { GenerationNotifier } from './generation-notifier.ts';
import { createGenerationSteps } from './generation-steps.ts';
import { generationContext } from './generation-trace.ts';
import { createKieCallbackHandler } from './kie-callback.ts';
import { defaultPollSchedule, type PollSchedule } from './poll-schedule.ts';
import { createGenerationStarter } from './start-generation.ts';

/** Dependencies of `createGenerationService`. */
export interface GenerationServiceDeps {
  readonly db: Kysely<Database>;
  readonly billing: BillingService;
  /** Undefined only in dry-run mode, which never calls KIE. */
  readonly kie: KieClient | undefined;
  /** DRY_RUN=true: the whole flow runs, KIE is not called and nothing is charged. @default false */
  readonly dryRun?: boolean;
  /** How long a dry-run task "generates". @default 3000 */
  readonly dryRunDurationMs?: number;
  /** Generations one user may have unfinished at once. @default 3 */
  readonly maxInFlightPerUser?: number;
  /** Builds KIE's callBackUrl for a generation (PUBLIC_URL set); polling then is only a safety net. */
  readonly callbackUrl?: (generationId: string) => string;
  readonly notifier?: GenerationNotifier;
  readonly logger?: Logger;
  /** @default () => new Date() */
  readonly now?: () => Date;
  /** @default defaultPollSchedule */
  readonly schedule?: PollSchedule;
  /** From start to giving up and refunding (kie-api.md §2 suggests 10–15 min). @default 900000 */
  readonly timeoutMs?: number;
  /**
   * How long a claimed row stays leased to one worker; must exceed the KIE client's worst case
   * (timeout × attempts, plus the rate-limit queue), or another worker may take the row over while a
   * call is in flight. @default 300000
   */
  readonly leaseMs?: number;
}

/** What the caller wants generated; the price is the model's price of these options (priceOf). */
export interface StartGeneration {
  readonly userId: number;
  readonly chatId: number;
  readonly model: Pick<CatalogModel, 'id' | 'kieModel' | 'api' | 'prices' | 'inputs'>;
  readonly input: Readonly<Record<string, unknown>>;
  /** One per user request (e.g. the confirmed draft); a repeat returns the same generation. */
  readonly idempotencyKey: string;
  /** W3C trace context of the confirming update. */
  readonly traceparent?: string;
  /** The message the bot edits as the task moves. */
  readonly statusMessageId?: number;
  /** Telegram file id of the user's photo, for models that need one. */
  readonly sourceFileId?: string;
}

/** What one `runDue` call did. */
export interface RunDueResult {
  /** Rows this worker leased. */
  readonly claimed: number;
  /** Steps that threw unexpectedly; their rows are retried when the lease expires. */
  readonly errors: number;
}

/**
 * What a KIE callback did: `woken` (its running task is polled now), `adopted` (a create of unknown
 * outcome got its task), `ignored` (nothing to do: already past polling, or not a task we know for
 * that generation), `refunded` (its generation was refunded already: nothing moves), `unmatched`.
 */
export type KieCallbackOutcome = 'woken' | 'adopted' | 'ignored' | 'refunded' | 'unmatched';

/**
 * What a Cancel press on one generation did: `cancelled` (refunded), `not_found` (no such id),
 * `not_yours` (another user's), `started` (it reached KIE, or a worker is sending it now), `ended`.
 */
export type CancelOneResult =
  | { readonly kind: 'cancelled'; readonly generation: Generation }
  | { readonly kind: 'not_found' | 'not_yours' | 'started' | 'ended' };

/** Durable, paid KIE generations: charged once, then delivered or refunded exactly once. */
export interface GenerationService {
  /** Charges the price and records a pending generation in one transaction. */
  start(request: StartGeneration): Promise<Generation>;
  /** Leases due generations and advances each by one step (create, poll, deliver, or give up). */
  runDue(options: {
    readonly limit: number;
    readonly workerId: string;
    /** Only rows in these statuses. @default pending, running and succeeded */
    readonly statuses?: readonly GenerationStatus[];
    /** Also ended rows whose user is still owed the message saying how. @default false */
    readonly notices?: boolean;
  }): Promise<RunDueResult>;
  /** One generation by id, or undefined. */
  get(id: string): Promise<Generation | undefined>;
  /** A user's generations, newest first, and how many there are in all. */
  history(
    userId: number,
    page: { readonly limit: number; readonly offset: number },
  ): Promise<{ readonly items: readonly Generation[]; readonly total: number }>;
  /** Cancels and refunds the user's generations that have not reached KIE yet. */
  cancel(userId: number): Promise<readonly Generation[]>;
  /** Cancels and refunds one generation of the user's, if it has not reached KIE yet. */
  cancelOne(userId: number, generationId: string): Promise<CancelOneResult>;
  /** A KIE callback named this task: poll it now (the callback is a hint, recordInfo decides). */
  wake(kieTaskId: string): Promise<boolean>;
  /**
   * A verified KIE callback for `generationId` (from its `?generation=` query, when present): wakes the
   * running task it names, or adopts the task for a generation whose create outcome was unknown; the
   * poll that follows confirms with recordInfo before anything is paid out or refunded. Also stores the
   * cost KIE reports for a task that ended.
   */
  callback(info: KieCallbackInfo, generationId: string | undefined): Promise<KieCallbackOutcome>;
}

/** Creates the service; all state lives in `generations`, so any instance can resume any row. */
export function createGenerationService(deps: GenerationServiceDeps): GenerationService {
  const { db, billing, kie, notifier = {}, logger } = deps;
  const clock = deps.now ?? (() => new Date());
  const schedule = deps.schedule ?? defaultPollSchedule;
  const timeoutMs = deps.timeoutMs ?? 15 * 60_000;
  const leaseMs = deps.leaseMs ?? 5 * 60_000;
  const dryRun = deps.dryRun ?? false;
  const dryRunDurationMs = deps.dryRunDurationMs ?? 3000;
  const maxInFlight = deps.maxInFlightPerUser ?? 3;

  const { step, refundAndSettle, tell, noteCredits, adopt } = createGenerationSteps({
    db,
    billing,
    kie,
    notifier,
    logger,
    clock,
    schedule,
    dryRunDurationMs,
    callbackUrl: deps.callbackUrl,
    metrics: createGenerationMetrics(() => countActiveGenerations(db)),
    leaseMs,
  });

  return {
    start: createGenerationStarter({ db, billing, logger, clock, dryRun, maxInFlight, timeoutMs }),

    async runDue({ limit, workerId, statuses, notices }) {
      const now = clock();
      const rows = await db.transaction().execute((trx) =>
        claimDueGenerations(trx, {
          now,
          limit,
          workerId,
          lockedUntil: new Date(now.getTime() + leaseMs),
          ...(statuses && { statuses }),
          ...(notices && { notices }),
        }),
      );
      const results = await Promise.allSettled(rows.map((row) => step(row, workerId)));
      for (const r of results) {
        if (r.status === 'rejected') logger?.error('Generation step failed', { err: r.reason });
      }
      return { claimed: rows.length, errors: results.filter((r) => r.status === 'rejected').length };
    },

    async get(id) {
      const row = await findGenerationById(db, id);
      return row && toGeneration(row);
    },

    async history(userId, page) {
      const { rows, total } = await listUserGenerations(db, userId, page);
      return { items: rows.map(toGeneration), total };
    },

    async cancel(userId) {
      const now = clock();
      const pending = await listCancellableGenerations(db, userId, now);
      const cancelled: Generation[] = [];
      for (const row of pending) {
        const done = await cancelPending(row);
        if (done) cancelled.push(done);
      }
      return cancelled;
    },

    async cancelOne(userId, generationId) {
      const row = await findGenerationById(db, generationId);
      if (!row) return { kind: 'not_found' };
      if (row.user_id !== userId) return { kind: 'not_yours' };
      if (row.status !== 'pending')
        return { kind: ACTIVE_STATUSES.includes(row.status) ? 'started' : 'ended' };
      const done = await cancelPending(row);
      return done ? { kind: 'cancelled', generation: done } : { kind: 'started' };
    },

    wake: (kieTaskId) => wakeGenerationByTask(db, kieTaskId),

    callback: createKieCallbackHandler({ db, logger, steps: { adopt, noteCredits } }),
  };

  /**
   * Cancels a pending row and refunds its charge in one transaction, then tells the user; undefined
   * when it moved on. A worker may hold the row's lease while its create waits for KIE's rate limit:
   * the cancel still wins, because the worker marks the row `creating` by compare-and-set on
   * `pending` and its own lease just before the request leaves (onSending), and the cancel takes the
   * lease away under the row lock. So a row is either sent to KIE or refunded, never both.
   */
  async function cancelPending(row: GenerationRow): Promise<Generation | undefined> {
    return context.with(generationContext(row.traceparent), async () => {
      const done = await refundAndSettle(
        row,
        'pending',
        'cancelled',
        { failCode: 'generation.cancelled' },
        undefined,
      );
      if (!done) return undefined;
      await tell(done);
      return toGeneration(done);
    });
  }
}

import { randomUUID } from 'node:crypto';
import { context } from '@opentelemetry/api';
import { type Kysely, sql } from 'kysely';
import { type CatalogModel, priceOf } from '../../catalog/index.ts';
import type { KieCallbackInfo, KieClient } from '../../clients/kie/index.ts';
import {
  claimDueGenerations,
  countActiveGenerations,
  findGenerationByCharge,
  findGenerationById,
  findGenerationByTask,
  insertGeneration,
  listUserGenerations,
  wakeGenerationByTask,
} from '../../db/repositories/generation.repository.ts';
import type { Database } from '../../db/schema.ts';
import type { GenerationRow, GenerationStatus } from '../../db/tables/generations.table.ts';
import type { Logger } from '../../logger.ts';
import { LOG_GENERATION_ID, LOG_MODEL_ID, LOG_TASK_ID } from '../../telemetry/attributes.ts';
import type { BillingService } from '../billing/billing.service.ts';
import { ACTIVE_STATUSES, type Generation, REFUNDED_STATUSES, toGeneration } from './generation.ts';
import { TooManyGenerationsError } from './generation-errors.ts';
import type { GenerationHooks } from './generation-hooks.ts';
import { createGenerationMetrics } from './generation-metrics.ts';
import { createGenerationSteps } from './generation-steps.ts';
import { generationContext, generationLogFields } from './generation-trace.ts';
import { defaultPollSchedule, type PollSchedule } from './poll-schedule.ts';

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
  readonly hooks?: GenerationHooks;
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
  const { db, billing, kie, hooks = {}, logger } = deps;
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
    hooks,
    logger,
    clock,
    schedule,
    dryRunDurationMs,
    callbackUrl: deps.callbackUrl,
    metrics: createGenerationMetrics(() => countActiveGenerations(db)),
    leaseMs,
  });

  return {
    async start(request) {
      const id = randomUUID();
      const now = clock();
      // The options decide the price (KIE bills per option); the row keeps what was charged.
      const price = priceOf(request.model, request.input).credits;
      const generation = await db.transaction().execute(async (trx) => {
        // Serialises one user's starts (across instances too), so the in-flight bound holds.
        await sql`select id from users where id = ${request.userId} for update`.execute(trx);
        const charge = dryRun
          ? undefined
          : await billing.chargeIn(trx, request.userId, price, {
              idempotencyKey: request.idempotencyKey,
              reference: id,
            });
        // A replayed key returns the first charge, and that charge's generation.
        const existing = charge && (await findGenerationByCharge(trx, charge.id));
        if (existing) return toGeneration(existing);
        if ((await countActiveGenerations(trx, request.userId)) >= maxInFlight) {
          throw new TooManyGenerationsError(request.userId, maxInFlight);
        }
        const row = await insertGeneration(trx, {
          id,
          user_id: request.userId,
          chat_id: request.chatId,
          model_id: request.model.id,
          kie_model: request.model.kieModel,
          api: request.model.api,
          input: JSON.stringify(request.input),
          price,
          status: 'pending',
          charge_entry_id: charge?.id ?? null,
          dry_run: dryRun,
          traceparent: request.traceparent ?? null,
          status_message_id: request.statusMessageId ?? null,
          source_file_id: request.sourceFileId ?? null,
          next_run_at: now,
          deadline_at: new Date(now.getTime() + timeoutMs),
          created_at: now,
          updated_at: now,
        });
        return toGeneration(row);
      });
      logger?.info(dryRun ? 'Generation started (dry run: nothing charged)' : 'Generation started', {
        [LOG_GENERATION_ID]: generation.id,
        [LOG_MODEL_ID]: generation.modelId,
        user_id: generation.userId,
        price: generation.price,
        ...(dryRun && { dry_run: true }),
      });
      return generation;
    },

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
      const pending = await db
        .selectFrom('generations')
        .selectAll()
        .where('user_id', '=', userId)
        .where('status', '=', 'pending')
        .where((eb) => eb.or([eb('locked_until', 'is', null), eb('locked_until', '<=', now)]))
        .execute();
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

    async callback(info, generationId) {
      const outcome = (await wakeGenerationByTask(db, info.taskId))
        ? 'woken'
        : generationId === undefined
          ? 'unmatched'
          : await adoptOrExplain(info, generationId);
      if (info.done && info.consumeCredits !== undefined) {
        await noteCredits({ kieTaskId: info.taskId }, info.consumeCredits);
      }
      return outcome;
    },
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

  /** A callback for a generation none of whose running rows has the task: adopt it, or say why not. */
  async function adoptOrExplain(info: KieCallbackInfo, generationId: string): Promise<KieCallbackOutcome> {
    const owner = await findGenerationByTask(db, info.taskId);
    const seen = { [LOG_TASK_ID]: info.taskId, kie_state: info.state, consume_credits: info.consumeCredits };
    if (!owner) {
      const adopted = await adopt(generationId, info.taskId);
      if (adopted) {
        logger?.info('KIE callback named the task of a create with unknown outcome: adopted', {
          ...generationLogFields(adopted),
          kie_state: info.state,
        });
        return 'adopted';
      }
    }
    const row = owner ?? (await findGenerationById(db, generationId));
    if (!row) return 'unmatched';
    if (row.id !== generationId || (row.kie_task_id !== null && row.kie_task_id !== info.taskId)) {
      logger?.warn('KIE callback names a task that is not its generation’s: ignored', {
        ...generationLogFields(row),
        ...seen,
        callback_generation_id: generationId,
      });
      return 'unmatched';
    }
    if (REFUNDED_STATUSES.includes(row.status)) {
      // A failed task costs nothing (§5: consumeCredits 0); anything else KIE will charge for.
      if (info.state !== 'fail') {
        logger?.warn('KIE callback for a generation already refunded: KIE charged for a task we refunded', {
          ...generationLogFields(row),
          ...seen,
          status: row.status,
          ...(row.fail_code && { error_code: row.fail_code }),
        });
      }
      return 'refunded';
    }
    return 'ignored';
  }
}

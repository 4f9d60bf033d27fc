import type { Kysely } from 'kysely';
import type { KieClient } from '../../clients/kie/index.ts';
import {
  adoptGenerationTask,
  lockGeneration,
  recordKieCredits,
  transitionGeneration,
  updateLeasedGeneration,
} from '../../db/repositories/generation.repository.ts';
import type { Database } from '../../db/schema.ts';
import type { GenerationRow, GenerationStatus, GenerationUpdate } from '../../db/tables/generations.table.ts';
import type { Logger } from '../../logger.ts';
import { fitText } from '../../text/cut-text.ts';
import type { BillingService } from '../billing/billing.service.ts';
import { toGeneration } from './generation.ts';
import type { GenerationMetrics } from './generation-metrics.ts';
import { createGenerationNoticeTeller } from './generation-notice.ts';
import type { GenerationNotifier } from './generation-notifier.ts';
import type { GenerationSteps } from './generation-steps.ts';
import { generationLogFields, generationRef } from './generation-trace.ts';
import type { PollSchedule } from './poll-schedule.ts';

/** Who holds a settled row's lease when no worker settled it (/cancel), until the user is told. */
const SETTLED_BY_CANCEL = 'cancel';

export type FailFields = { readonly failCode: string; readonly failMsg?: string | undefined };
/** A row after a step: undefined when another worker took it over, or nothing changed. */
export type StepResult = GenerationRow | undefined;

/** What the steps need; `createGenerationService` resolves the defaults. */
export interface StepContext {
  readonly db: Kysely<Database>;
  readonly billing: BillingService;
  readonly kie: KieClient | undefined;
  readonly notifier: GenerationNotifier;
  readonly logger: Logger | undefined;
  readonly clock: () => Date;
  readonly schedule: PollSchedule;
  readonly dryRunDurationMs: number;
  readonly callbackUrl: ((generationId: string) => string) | undefined;
  readonly metrics: GenerationMetrics;
  /** How long the settling worker keeps a row to tell its user before another worker may. */
  readonly leaseMs: number;
}

/** What every step shares: the context, and the ways a step ends (settle, later, tell). */
export interface StepKit extends StepContext {
  /** When a row that is not done is due next, by the poll schedule. */
  nextRun(row: GenerationRow, now: Date): Date;
  /** Releases the lease and schedules the next run. */
  later(row: GenerationRow, workerId: string, changes: GenerationUpdate): Promise<StepResult>;
  readonly refundAndSettle: GenerationSteps['refundAndSettle'];
  readonly progress: GenerationSteps['progress'];
  readonly noteCredits: GenerationSteps['noteCredits'];
  readonly adopt: GenerationSteps['adopt'];
  readonly tell: GenerationSteps['tell'];
  /** Metrics and one log line for a generation that reached a final status. */
  finished(row: GenerationRow | undefined): void;
}

export function createStepKit(ctx: StepContext): StepKit {
  const { db, billing, notifier, logger, clock, schedule, metrics, leaseMs } = ctx;

  const nextRun = (row: GenerationRow, now: Date): Date =>
    new Date(now.getTime() + schedule(now.getTime() - row.created_at.getTime()));

  /** Metrics and one log line for a generation that reached a final status. */
  const finished = (row: GenerationRow | undefined): void => {
    if (!row) return;
    metrics.finished(row.kie_model, row.status, clock().getTime() - row.created_at.getTime(), row);
    const failed = row.status !== 'delivered';
    logger?.log(failed ? 'warn' : 'info', `Generation ${row.status}`, {
      ...generationLogFields(row),
      status: row.status,
      ...(row.fail_code && { error_code: row.fail_code, error_ref: generationRef(row) }),
      ...(row.fail_msg && { fail_msg: row.fail_msg }),
    });
  };

  /**
   * Refund and status change in one transaction, so a charge never ends both refunded and delivered
   * (the refund key `refund:<id>` and the refund_of index make a repeat harmless anyway). The notice
   * the user is owed is written in it too, leased to the settler, who tries first (`tell`).
   */
  const refundAndSettle = async (
    row: GenerationRow,
    from: GenerationStatus,
    to: GenerationStatus,
    fail: FailFields,
    workerId: string | undefined,
    guard: (locked: GenerationRow) => boolean = () => true,
  ): Promise<StepResult> => {
    const settled = await db.transaction().execute(async (trx) => {
      const locked = await lockGeneration(trx, row.id);
      if (!locked || locked.status !== from || !guard(locked)) return undefined;
      if (workerId !== undefined && locked.locked_by !== workerId) return undefined;
      // A dry run charged nothing, so there is nothing to give back.
      const refund =
        locked.charge_entry_id === null
          ? undefined
          : await billing.refundIn(trx, locked.charge_entry_id, { idempotencyKey: `refund:${row.id}` });
      const now = clock();
      return transitionGeneration(trx, row.id, from, {
        status: to,
        refund_entry_id: refund?.id ?? null,
        fail_code: fail.failCode,
        fail_msg: fail.failMsg === undefined ? null : fitText(fail.failMsg, 500),
        notice_pending: true,
        notice_attempts: 0,
        next_run_at: now,
        locked_until: new Date(now.getTime() + leaseMs),
        locked_by: workerId ?? SETTLED_BY_CANCEL,
        updated_at: now,
      });
    });
    finished(settled);
    return settled;
  };

  const tell = createGenerationNoticeTeller({ db, notifier, logger, clock });

  /** Releases the lease and schedules the next run. */
  const later = (row: GenerationRow, workerId: string, changes: GenerationUpdate) => {
    const now = clock();
    return updateLeasedGeneration(
      db,
      row.id,
      { workerId, from: row.status },
      {
        next_run_at: nextRun(row, now),
        locked_until: null,
        locked_by: null,
        updated_at: now,
        // A create that certainly made no task (never sent, or KIE said no) may be sent again.
        ...(row.status === 'creating' && { status: 'pending' as const }),
        ...changes,
      },
    );
  };

  const noteCredits: GenerationSteps['noteCredits'] = async (where, credits) => {
    if (credits < 0) return;
    const stored = await recordKieCredits(db, where, credits);
    if (stored) metrics.creditsConsumed(stored.kie_model, credits);
  };

  const adopt: GenerationSteps['adopt'] = (id, kieTaskId) => adoptGenerationTask(db, id, kieTaskId, clock());
  const progress = (row: StepResult, event: Parameters<NonNullable<GenerationNotifier['progress']>>[1]) =>
    row && notifier.progress ? notifier.progress(toGeneration(row), event).catch(() => undefined) : undefined;

  return { ...ctx, nextRun, finished, refundAndSettle, tell, later, noteCredits, adopt, progress };
}

import { randomUUID } from 'node:crypto';
import { type Attributes, context, type Span, SpanKind } from '@opentelemetry/api';
import type { Kysely } from 'kysely';
import type { CatalogModel } from '../../catalog/index.ts';
import type { KieClient } from '../../clients/kie/index.ts';
import {
  claimDueGenerations,
  findGenerationByCharge,
  findGenerationById,
  insertGeneration,
  lockGeneration,
  transitionGeneration,
  updateLeasedGeneration,
} from '../../db/repositories/generation.repository.ts';
import type { Database } from '../../db/schema.ts';
import type { GenerationRow, GenerationStatus } from '../../db/tables/generations.table.ts';
import { AppError } from '../../errors/app-error.ts';
import {
  ATTR_BOT_GENERATION_ID,
  ATTR_ENDUSER_ID,
  ATTR_ERROR_TYPE,
  ATTR_KIE_MODEL,
  ATTR_KIE_POLL_ATTEMPT,
  ATTR_KIE_TASK_ID,
  ATTR_KIE_TASK_STATE,
  SPAN_GENERATION_STEP,
} from '../../telemetry/attributes.ts';
import { withSpan } from '../../telemetry/tracing.ts';
import type { BillingService } from '../billing/billing.service.ts';
import { type Generation, toGeneration } from './generation.ts';
import { GenerationNotFoundError, GenerationStateError } from './generation-errors.ts';
import { generationContext } from './generation-trace.ts';
import { defaultPollSchedule, type PollSchedule } from './poll-schedule.ts';

/** Dependencies of `createGenerationService`. */
export interface GenerationServiceDeps {
  readonly db: Kysely<Database>;
  readonly billing: BillingService;
  readonly kie: KieClient;
  /** @default () => new Date() */
  readonly now?: () => Date;
  /** @default defaultPollSchedule */
  readonly schedule?: PollSchedule;
  /** From start to giving up and refunding (kie-api.md §2 suggests 10–15 min). @default 900000 */
  readonly timeoutMs?: number;
  /**
   * How long a claimed row stays leased to one worker; must exceed the KIE client's worst case
   * (timeout × attempts), or another worker may take the row over while a call is in flight. @default 300000
   */
  readonly leaseMs?: number;
}

/** What the caller wants generated; the price is taken from the model. */
export interface StartGeneration {
  readonly userId: number;
  readonly chatId: number;
  readonly model: Pick<CatalogModel, 'id' | 'kieModel' | 'api' | 'price'>;
  readonly input: Readonly<Record<string, unknown>>;
  /** One per user request (e.g. the confirming callback query id); a repeat returns the same generation. */
  readonly idempotencyKey: string;
  /** W3C trace context of the confirming update. */
  readonly traceparent?: string;
}

/** What one `runDue` call did. */
export interface RunDueResult {
  /** Rows this worker leased. */
  readonly claimed: number;
  /** Steps that threw unexpectedly; their rows are retried when the lease expires. */
  readonly errors: number;
}

/** Durable, paid KIE Market generations: charged once, then delivered or refunded exactly once. */
export interface GenerationService {
  /** Charges the price and records a pending generation in one transaction. */
  start(request: StartGeneration): Promise<Generation>;
  /** Leases due generations and advances each by one step (create, poll, or give up). */
  runDue(options: { readonly limit: number; readonly workerId: string }): Promise<RunDueResult>;
  /** One generation by id, or undefined. */
  get(id: string): Promise<Generation | undefined>;
  /** succeeded → delivered; repeating it is a no-op. */
  markDelivered(id: string): Promise<Generation>;
  /** succeeded → refunded, when the result could not be sent; repeating it is a no-op. */
  failDelivery(id: string, failCode?: string): Promise<Generation>;
}

type FailFields = { readonly failCode: string; readonly failMsg?: string | undefined };

/** Creates the service; all state lives in `generations`, so any instance can resume any row. */
export function createGenerationService(deps: GenerationServiceDeps): GenerationService {
  const { db, billing, kie } = deps;
  const clock = deps.now ?? (() => new Date());
  const schedule = deps.schedule ?? defaultPollSchedule;
  const timeoutMs = deps.timeoutMs ?? 15 * 60_000;
  const leaseMs = deps.leaseMs ?? 5 * 60_000;

  const nextRun = (row: GenerationRow, now: Date): Date =>
    new Date(now.getTime() + schedule(now.getTime() - row.created_at.getTime()));

  /**
   * Refund and status change in one transaction, so a charge never ends both refunded and delivered
   * (the refund key `refund:<id>` and the refund_of index make a repeat harmless anyway).
   */
  const refundAndSettle = (
    row: GenerationRow,
    from: GenerationStatus,
    to: GenerationStatus,
    fail: FailFields,
    workerId: string | undefined,
  ): Promise<GenerationRow | undefined> =>
    db.transaction().execute(async (trx) => {
      const locked = await lockGeneration(trx, row.id);
      if (!locked || locked.status !== from) return undefined;
      if (workerId !== undefined && locked.locked_by !== workerId) return undefined;
      const refund = await billing.refundIn(trx, locked.charge_entry_id, {
        idempotencyKey: `refund:${row.id}`,
      });
      return transitionGeneration(trx, row.id, from, {
        status: to,
        refund_entry_id: refund.id,
        fail_code: fail.failCode,
        fail_msg: fail.failMsg?.slice(0, 500) ?? null,
        locked_until: null,
        locked_by: null,
        updated_at: clock(),
      });
    });

  /** A KIE error: final ones refund, transient ones (or none past the deadline) come back later. */
  const onKieError = async (row: GenerationRow, workerId: string, error: unknown, span: Span) => {
    if (!(error instanceof AppError)) throw error;
    const now = clock();
    if (!error.retryable) {
      const msg = 'msg' in error && typeof error.msg === 'string' ? error.msg : error.message;
      return refundAndSettle(row, row.status, 'failed', { failCode: error.code, failMsg: msg }, workerId);
    }
    if (now >= row.deadline_at) {
      return refundAndSettle(row, row.status, 'timed_out', { failCode: error.code }, workerId);
    }
    span.addEvent('retry_later', { [ATTR_ERROR_TYPE]: error.code });
    return updateLeasedGeneration(
      db,
      row.id,
      { workerId, from: row.status },
      {
        poll_attempts: row.status === 'running' ? row.poll_attempts + 1 : row.poll_attempts,
        next_run_at: nextRun(row, now),
        locked_until: null,
        locked_by: null,
        updated_at: now,
      },
    );
  };

  /** pending → running. createTask happens only here and its id is stored by the same worker step. */
  const create = async (row: GenerationRow, workerId: string, span: Span) => {
    if (clock() >= row.deadline_at) {
      return refundAndSettle(row, 'pending', 'timed_out', { failCode: 'generation.timeout' }, workerId);
    }
    let taskId: string;
    try {
      ({ taskId } = await kie.createTask(
        { model: row.kie_model, input: row.input },
        { generationId: row.id, userId: row.user_id },
      ));
    } catch (error) {
      return onKieError(row, workerId, error, span);
    }
    span.setAttribute(ATTR_KIE_TASK_ID, taskId);
    // Gap: if the process dies before this update, the task exists at KIE but not here, and the row
    // is created again when the lease expires. KIE has no idempotency key (kie-api.md §9 row 16).
    const now = clock();
    return updateLeasedGeneration(
      db,
      row.id,
      { workerId, from: 'pending' },
      {
        status: 'running',
        kie_task_id: taskId,
        poll_attempts: 0,
        next_run_at: nextRun(row, now),
        locked_until: null,
        locked_by: null,
        updated_at: now,
      },
    );
  };

  /** running → succeeded | failed | timed_out, or another poll later. */
  const poll = async (row: GenerationRow, workerId: string, span: Span) => {
    const attempt = row.poll_attempts + 1;
    span.setAttribute(ATTR_KIE_POLL_ATTEMPT, attempt);
    // A running row always has a task id: both are set by one UPDATE in `create`.
    const taskId = row.kie_task_id ?? '';
    let info: Awaited<ReturnType<KieClient['recordInfo']>>;
    try {
      info = await kie.recordInfo(taskId, { attempt, model: row.kie_model });
    } catch (error) {
      return onKieError(row, workerId, error, span);
    }
    span.setAttribute(ATTR_KIE_TASK_STATE, info.state);
    const now = clock();
    if (info.state === 'success') {
      return updateLeasedGeneration(
        db,
        row.id,
        { workerId, from: 'running' },
        {
          status: 'succeeded',
          poll_attempts: attempt,
          result_urls: JSON.stringify(info.resultUrls ?? []),
          locked_until: null,
          locked_by: null,
          updated_at: now,
        },
      );
    }
    if (info.state === 'fail') {
      const fail = { failCode: info.failCode ?? 'kie.task_failed', failMsg: info.failMsg };
      return refundAndSettle(row, 'running', 'failed', fail, workerId);
    }
    // Unknown states count as still running, bounded by the deadline (kie-api.md §9 row 4).
    if (now >= row.deadline_at) {
      return refundAndSettle(row, 'running', 'timed_out', { failCode: 'generation.timeout' }, workerId);
    }
    return updateLeasedGeneration(
      db,
      row.id,
      { workerId, from: 'running' },
      {
        poll_attempts: attempt,
        next_run_at: nextRun(row, now),
        locked_until: null,
        locked_by: null,
        updated_at: now,
      },
    );
  };

  /** One step of one leased row, in the generation's own trace. */
  const step = (row: GenerationRow, workerId: string) => {
    const attributes: Attributes = {
      [ATTR_BOT_GENERATION_ID]: row.id,
      [ATTR_KIE_MODEL]: row.kie_model,
      [ATTR_ENDUSER_ID]: String(row.user_id),
      ...(row.kie_task_id && { [ATTR_KIE_TASK_ID]: row.kie_task_id }),
    };
    return context.with(generationContext(row.traceparent), () =>
      withSpan(SPAN_GENERATION_STEP, { kind: SpanKind.INTERNAL, attributes }, (span) =>
        row.status === 'pending' ? create(row, workerId, span) : poll(row, workerId, span),
      ),
    );
  };

  return {
    async start(request) {
      if (request.model.api !== 'market') {
        throw new TypeError(`start: only Market models are supported, got api "${request.model.api}"`);
      }
      const id = randomUUID();
      const now = clock();
      return db.transaction().execute(async (trx) => {
        const charge = await billing.chargeIn(trx, request.userId, request.model.price, {
          idempotencyKey: request.idempotencyKey,
          reference: id,
        });
        // A replayed key returns the first charge, and that charge's generation.
        const existing = await findGenerationByCharge(trx, charge.id);
        if (existing) return toGeneration(existing);
        const row = await insertGeneration(trx, {
          id,
          user_id: request.userId,
          chat_id: request.chatId,
          model_id: request.model.id,
          kie_model: request.model.kieModel,
          input: JSON.stringify(request.input),
          price: request.model.price,
          status: 'pending',
          charge_entry_id: charge.id,
          traceparent: request.traceparent ?? null,
          next_run_at: now,
          deadline_at: new Date(now.getTime() + timeoutMs),
          created_at: now,
          updated_at: now,
        });
        return toGeneration(row);
      });
    },

    async runDue({ limit, workerId }) {
      const now = clock();
      const rows = await db
        .transaction()
        .execute((trx) =>
          claimDueGenerations(trx, { now, limit, workerId, lockedUntil: new Date(now.getTime() + leaseMs) }),
        );
      const results = await Promise.allSettled(rows.map((row) => step(row, workerId)));
      return { claimed: rows.length, errors: results.filter((r) => r.status === 'rejected').length };
    },

    async get(id) {
      const row = await findGenerationById(db, id);
      return row && toGeneration(row);
    },

    async markDelivered(id) {
      const row = await transitionGeneration(db, id, 'succeeded', {
        status: 'delivered',
        updated_at: clock(),
      });
      if (row) return toGeneration(row);
      const current = await findGenerationById(db, id);
      if (!current) throw new GenerationNotFoundError(id);
      if (current.status !== 'delivered') throw new GenerationStateError(id, current.status, 'succeeded');
      return toGeneration(current);
    },

    async failDelivery(id, failCode = 'generation.delivery_failed') {
      const current = await findGenerationById(db, id);
      if (!current) throw new GenerationNotFoundError(id);
      if (current.status === 'refunded') return toGeneration(current);
      // The refund span joins the generation's trace like every other step.
      const row = await context.with(generationContext(current.traceparent), () =>
        refundAndSettle(current, 'succeeded', 'refunded', { failCode }, undefined),
      );
      if (row) return toGeneration(row);
      const after = await findGenerationById(db, id);
      if (after?.status === 'refunded') return toGeneration(after);
      throw new GenerationStateError(id, after?.status ?? current.status, 'succeeded');
    },
  };
}

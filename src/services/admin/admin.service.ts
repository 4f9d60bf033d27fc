import { type Attributes, type Span, SpanKind, trace } from '@opentelemetry/api';
import type { Kysely } from 'kysely';
import type { KieClient } from '../../clients/kie/index.ts';
import {
  countGenerationsByStatus,
  countUsers,
  findGenerationByIdOrTask,
  listGenerationsByStatus,
  listUserGenerations,
  makeGenerationDue,
  sumBalances,
  sumLedgerByOperation,
} from '../../db/repositories/admin.repository.ts';
import { findLedgerEntryByKey } from '../../db/repositories/ledger-entry.repository.ts';
import type { Database } from '../../db/schema.ts';
import type { GenerationRow, GenerationStatus } from '../../db/tables/generations.table.ts';
import { AppError } from '../../errors/app-error.ts';
import { InsufficientBalanceError, UnknownUserError } from '../../errors/billing-errors.ts';
import type { Logger } from '../../logger.ts';
import {
  ATTR_BILLING_AMOUNT,
  ATTR_BILLING_BALANCE_AFTER,
  ATTR_BOT_ADMIN_ACTION,
  ATTR_BOT_ADMIN_ID,
  ATTR_BOT_ADMIN_MADE_DUE,
  ATTR_BOT_GENERATION_ID,
  ATTR_ENDUSER_ID,
  ATTR_KIE_MODEL,
  ATTR_KIE_TASK_ID,
  ATTR_KIE_TASK_STATE,
  ATTR_OUTCOME,
  LOG_ADMIN_ID,
  LOG_CHARGE_ID,
  LOG_GENERATION_ID,
  LOG_TASK_ID,
  LOG_USER_ID,
  SPAN_ADMIN_PREFIX,
} from '../../telemetry/attributes.ts';
import { withSpan } from '../../telemetry/tracing.ts';
import type { BillingService } from '../billing/billing.service.ts';
import type { LedgerEntry } from '../billing/ledger-entry.ts';
import { ACTIVE_STATUSES } from '../generations/generation.ts';
import { generationContext } from '../generations/generation-trace.ts';
import { kieTaskInfo } from '../generations/kie-task-api.ts';
import type { UserService } from '../user.service.ts';
import { AdminActionError } from './admin-errors.ts';
import {
  type AdminTotals,
  type GenerationSummary,
  type KieCheck,
  type RecheckReport,
  toGenerationSummary,
  type UserReport,
} from './admin-report.ts';
import { refundStars, type StarsRefundResult } from './refund-stars.ts';

/** The ledger keeps at most 200 characters of a reason (billing-input.ts). */
export const ADMIN_REASON_MAX = 200;
/** How many ledger entries and generations a lookup shows by default (one Telegram message). */
export const ADMIN_LOOKUP_LIMIT = 8;
const DAY_MS = 24 * 3600 * 1000;
const FAILED: readonly GenerationStatus[] = ['failed', 'timed_out', 'refunded'];

export interface AdminServiceDeps {
  readonly db: Kysely<Database>;
  readonly billing: BillingService;
  readonly users: UserService;
  /** Absent without KIE_API_KEY: a re-check then shows the stored state only. */
  readonly kie: KieClient | undefined;
  /** Telegram ids allowed to act; everyone else is refused even if a caller forgets to check. */
  readonly adminIds: readonly number[];
  readonly logger: Logger;
  /** @default () => new Date() */
  readonly now?: () => Date;
  /** Telegram's refundStarPayment, for `/admin refund`; refunds are unavailable without it. */
  readonly refundStarPayment?: (userId: number, chargeId: string) => Promise<unknown>;
}

/** An admin's balance change; the key makes a repeated request (a redelivered update) apply once. */
export interface AdjustRequest {
  readonly adminId: number;
  readonly userId: number;
  /** Signed, non-zero whole credits. */
  readonly amount: number;
  readonly reason: string;
  readonly idempotencyKey: string;
}

export interface AdjustResult {
  readonly entry: LedgerEntry;
  /** The key had already been used: nothing new was written. */
  readonly replayed: boolean;
}

/** Which generations `list` returns. */
export type GenerationListKind = 'in_flight' | 'failed';

/** What admins can see and do; every method is one `bot.admin.{action}` span. */
export interface AdminService {
  totals(adminId: number): Promise<AdminTotals>;
  /** Undefined when no such user ever wrote to the bot. */
  lookupUser(adminId: number, userId: number, limit?: number): Promise<UserReport | undefined>;
  /** Through the ledger (`billing.adjust`): reason and admin stored on the entry, never below zero. */
  adjust(request: AdjustRequest): Promise<AdjustResult>;
  /** Asks KIE about a generation (by id or KIE task id) and makes it due if still active; undefined if unknown. */
  recheck(adminId: number, ref: string): Promise<RecheckReport | undefined>;
  /** Latest in-flight or failed generations. */
  list(adminId: number, kind: GenerationListKind, limit?: number): Promise<GenerationSummary[]>;
  /** Refunds a Stars payment (refundStarPayment) and takes its credits back; see refund-stars.ts. */
  refundStars(adminId: number, chargeId: string): Promise<StarsRefundResult>;
}

type AdminAction = 'totals' | 'user' | 'adjust' | 'recheck' | 'list' | 'refund';

export function createAdminService(deps: AdminServiceDeps): AdminService {
  const { db, billing, users, kie, logger } = deps;
  const clock = deps.now ?? (() => new Date());
  const admins = new Set(deps.adminIds);

  const traced = <T>(
    action: AdminAction,
    adminId: number,
    attributes: Attributes,
    fn: (span: Span) => Promise<T>,
  ): Promise<T> =>
    withSpan(
      `${SPAN_ADMIN_PREFIX}.${action}`,
      {
        kind: SpanKind.INTERNAL,
        attributes: { [ATTR_BOT_ADMIN_ACTION]: action, [ATTR_BOT_ADMIN_ID]: String(adminId), ...attributes },
      },
      async (span) => {
        if (!admins.has(adminId)) throw new AdminActionError('admin.forbidden');
        return fn(span);
      },
    );

  /** Asks KIE for the task's state; an error is reported, not thrown: the admin wants to see it. */
  const askKie = async (row: GenerationRow): Promise<KieCheck> => {
    if (row.dry_run) return { kind: 'dry_run' };
    if (!row.kie_task_id) return { kind: 'not_created' };
    if (!kie) return { kind: 'unavailable' };
    const ctx = { model: row.kie_model };
    try {
      // Suno and Veo have their own record-info endpoints (kie-api.md §7, §8); the client returns the Market shape.
      const info = await kieTaskInfo(kie, row.api, row.kie_task_id, ctx);
      return {
        kind: 'state',
        state: info.state,
        failCode: info.failCode,
        failMsg: info.failMsg,
        resultCount: info.resultUrls?.length ?? 0,
      };
    } catch (error) {
      if (error instanceof AppError) return { kind: 'error', code: error.code };
      throw error;
    }
  };

  return {
    totals: (adminId) =>
      traced('totals', adminId, {}, async () => {
        const [people, creditsHeld, ledger, byStatus] = await Promise.all([
          countUsers(db, new Date(clock().getTime() - DAY_MS)),
          sumBalances(db),
          sumLedgerByOperation(db),
          countGenerationsByStatus(db),
        ]);
        const op = (name: string) => ledger.find((r) => r.operation === name);
        const generationsByStatus = Object.fromEntries(byStatus.map((r) => [r.status, r.count]));
        return {
          users: people.users,
          activeUsers: people.active,
          creditsHeld,
          toppedUp: op('topup')?.credited ?? 0,
          charged: op('charge')?.debited ?? 0,
          refunded: op('refund')?.credited ?? 0,
          adjustedUp: op('adjustment')?.credited ?? 0,
          adjustedDown: op('adjustment')?.debited ?? 0,
          generations: byStatus.reduce((sum, r) => sum + r.count, 0),
          generationsByStatus,
          inFlight: ACTIVE_STATUSES.reduce((sum, s) => sum + (generationsByStatus[s] ?? 0), 0),
        };
      }),

    lookupUser: (adminId, userId, limit = ADMIN_LOOKUP_LIMIT) =>
      traced('user', adminId, { [ATTR_ENDUSER_ID]: String(userId) }, async () => {
        const user = await users.get(userId);
        if (!user) return undefined;
        const [balance, ledger, generations] = await Promise.all([
          billing.balance(userId),
          billing.history(userId, { limit }),
          listUserGenerations(db, userId, limit),
        ]);
        return { user, balance, ledger, generations: generations.map(toGenerationSummary) };
      }),

    adjust: (request) =>
      traced(
        'adjust',
        request.adminId,
        { [ATTR_ENDUSER_ID]: String(request.userId), [ATTR_BILLING_AMOUNT]: request.amount },
        async (span) => {
          const { adminId, userId, amount, idempotencyKey } = request;
          const reason = request.reason.trim();
          if (!Number.isSafeInteger(amount) || amount === 0)
            throw new AdminActionError('admin.invalid_amount');
          if (reason === '' || reason.length > ADMIN_REASON_MAX) {
            throw new AdminActionError('admin.invalid_reason', { max: ADMIN_REASON_MAX });
          }
          const notFound = (cause?: unknown) =>
            new AdminActionError(
              'admin.user_not_found',
              { id: String(userId) },
              { details: { user_id: userId }, cause },
            );
          if (!(await users.get(userId))) throw notFound();
          // Only for the reply and the log: the ledger itself makes a repeated key harmless.
          const replayed = (await findLedgerEntryByKey(db, idempotencyKey)) !== undefined;
          let entry: LedgerEntry;
          try {
            entry = await billing.adjust(userId, amount, { idempotencyKey, reason, adminId });
          } catch (error) {
            if (error instanceof InsufficientBalanceError) {
              const balance = Number(error.details.balance);
              throw new AdminActionError(
                'admin.negative_balance',
                { id: String(userId), balance, amount: -amount },
                { details: { user_id: userId, balance, amount }, cause: error },
              );
            }
            if (error instanceof UnknownUserError) throw notFound(error);
            throw error;
          }
          span.setAttributes({
            [ATTR_BILLING_BALANCE_AFTER]: entry.balanceAfter,
            [ATTR_OUTCOME]: replayed ? 'duplicate' : 'ok',
          });
          logger.info(replayed ? 'Admin adjustment already applied' : 'Balance adjusted by an admin', {
            [LOG_ADMIN_ID]: adminId,
            [LOG_USER_ID]: userId,
            amount,
            reason,
            balance_after: entry.balanceAfter,
            entry_id: entry.id,
            outcome: replayed ? 'duplicate' : 'ok',
          });
          return { entry, replayed };
        },
      ),

    recheck: (adminId, ref) =>
      traced('recheck', adminId, {}, async (span) => {
        const row = await findGenerationByIdOrTask(db, ref.trim());
        if (!row) return undefined;
        span.setAttributes({
          [ATTR_BOT_GENERATION_ID]: row.id,
          [ATTR_ENDUSER_ID]: String(row.user_id),
          [ATTR_KIE_MODEL]: row.kie_model,
          ...(row.kie_task_id && { [ATTR_KIE_TASK_ID]: row.kie_task_id }),
        });
        // A link to the generation's own trace: Tempo leads from the admin's action to it.
        const linked = row.traceparent ? trace.getSpanContext(generationContext(row.traceparent)) : undefined;
        if (linked) span.addLink({ context: linked });
        const check = await askKie(row);
        if (check.kind === 'state') span.setAttribute(ATTR_KIE_TASK_STATE, check.state);
        const madeDue =
          ACTIVE_STATUSES.includes(row.status) &&
          (await makeGenerationDue(db, row.id, ACTIVE_STATUSES, clock()));
        span.setAttribute(ATTR_BOT_ADMIN_MADE_DUE, madeDue);
        logger.info('Generation re-checked by an admin', {
          [LOG_ADMIN_ID]: adminId,
          [LOG_USER_ID]: row.user_id,
          [LOG_GENERATION_ID]: row.id,
          [LOG_TASK_ID]: row.kie_task_id ?? undefined,
          status: row.status,
          kie_state: check.kind === 'state' ? check.state : check.kind,
          made_due: madeDue,
        });
        const current = madeDue ? ((await findGenerationByIdOrTask(db, row.id)) ?? row) : row;
        return { generation: toGenerationSummary(current), kie: check, madeDue };
      }),

    refundStars: (adminId, chargeId) =>
      traced('refund', adminId, {}, async (span) => {
        const refundStarPayment = deps.refundStarPayment;
        if (!refundStarPayment) throw new Error('refundStarPayment is not wired into the admin service');
        const result = await refundStars({ db, billing, refundStarPayment }, { adminId, chargeId });
        span.setAttributes({
          [ATTR_ENDUSER_ID]: String(result.userId),
          [ATTR_BILLING_AMOUNT]: -result.credits,
          [ATTR_BILLING_BALANCE_AFTER]: result.balanceAfter,
          [ATTR_OUTCOME]: result.outcome,
        });
        logger.info('Stars payment refunded by an admin', {
          [LOG_ADMIN_ID]: adminId,
          [LOG_USER_ID]: result.userId,
          [LOG_CHARGE_ID]: chargeId,
          credits: result.credits,
          balance_after: result.balanceAfter,
          entry_id: result.entryId,
          outcome: result.outcome,
        });
        return result;
      }),

    list: (adminId, kind, limit = ADMIN_LOOKUP_LIMIT) =>
      traced('list', adminId, {}, async () =>
        (await listGenerationsByStatus(db, kind === 'in_flight' ? ACTIVE_STATUSES : FAILED, limit)).map(
          toGenerationSummary,
        ),
      ),
  };
}

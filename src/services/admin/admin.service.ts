import type { Kysely } from 'kysely';
import type { KieClient } from '../../clients/kie/index.ts';
import { listGenerationsByStatus, listUserGenerations } from '../../db/repositories/admin.repository.ts';
import type { Database } from '../../db/schema.ts';
import type { GenerationStatus } from '../../db/tables/generations.table.ts';
import type { Logger } from '../../logger.ts';
import {
  ATTR_BILLING_AMOUNT,
  ATTR_BILLING_BALANCE_AFTER,
  ATTR_ENDUSER_ID,
  ATTR_OUTCOME,
  LOG_ADMIN_ID,
  LOG_CHARGE_ID,
  LOG_USER_ID,
} from '../../telemetry/attributes.ts';
import type { BillingService } from '../billing/billing.service.ts';
import { ACTIVE_STATUSES } from '../generations/generation.ts';
import type { UserService } from '../user.service.ts';
import { type AdjustRequest, type AdjustResult, adjustBalance } from './adjust-balance.ts';
import {
  type AdminTotals,
  type GenerationSummary,
  type RecheckReport,
  toGenerationSummary,
  type UserReport,
} from './admin-report.ts';
import { loadAdminTotals } from './load-admin-totals.ts';
import { recheckGeneration } from './recheck-generation.ts';
import { refundStars, type StarsRefundResult } from './refund-stars.ts';
import { traceAdminAction } from './trace-admin-action.ts';

/** How many ledger entries and generations a lookup shows by default (one Telegram message). */
export const ADMIN_LOOKUP_LIMIT = 8;
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

export function createAdminService(deps: AdminServiceDeps): AdminService {
  const { db, billing, users, kie, logger } = deps;
  const clock = deps.now ?? (() => new Date());
  const admins = new Set(deps.adminIds);

  return {
    totals: (adminId) => traceAdminAction(admins, 'totals', adminId, {}, () => loadAdminTotals(db, clock())),

    lookupUser: (adminId, userId, limit = ADMIN_LOOKUP_LIMIT) =>
      traceAdminAction(admins, 'user', adminId, { [ATTR_ENDUSER_ID]: String(userId) }, async () => {
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
      traceAdminAction(
        admins,
        'adjust',
        request.adminId,
        { [ATTR_ENDUSER_ID]: String(request.userId), [ATTR_BILLING_AMOUNT]: request.amount },
        (span) => adjustBalance({ db, billing, users, logger }, request, span),
      ),

    recheck: (adminId, ref) =>
      traceAdminAction(admins, 'recheck', adminId, {}, (span) =>
        recheckGeneration({ db, kie, logger, now: clock }, adminId, ref, span),
      ),

    refundStars: (adminId, chargeId) =>
      traceAdminAction(admins, 'refund', adminId, {}, async (span) => {
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
      traceAdminAction(admins, 'list', adminId, {}, async () =>
        (await listGenerationsByStatus(db, kind === 'in_flight' ? ACTIVE_STATUSES : FAILED, limit)).map(
          toGenerationSummary,
        ),
      ),
  };
}

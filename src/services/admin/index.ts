/** Admin commands: totals, user lookup, ledgered adjustments, task re-checks. */

export { ADMIN_REASON_MAX, type AdjustRequest, type AdjustResult } from './adjust-balance.ts';
export {
  ADMIN_LOOKUP_LIMIT,
  type AdminService,
  type AdminServiceDeps,
  createAdminService,
  type GenerationListKind,
} from './admin.service.ts';
export { AdminActionError, type AdminErrorCode } from './admin-errors.ts';
export type {
  AdminTotals,
  GenerationSummary,
  KieCheck,
  RecheckReport,
  UserReport,
} from './admin-report.ts';
export type { StarsRefundResult } from './refund-stars.ts';

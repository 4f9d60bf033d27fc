import { AppError, type ErrorDetails } from '../../errors/app-error.ts';

/** Every refusal of an admin action; also the span's `error.type`. */
export type AdminErrorCode =
  | 'admin.forbidden'
  | 'admin.user_not_found'
  | 'admin.negative_balance'
  | 'admin.invalid_amount'
  | 'admin.invalid_reason'
  | 'admin.charge_not_found'
  | 'admin.refund_spent'
  | 'admin.refund_closed'
  | 'admin.refund_refused'
  | 'admin.refund_unknown';

const MESSAGE_KEYS: Readonly<Record<AdminErrorCode, string>> = {
  'admin.forbidden': 'admin-error-forbidden',
  'admin.user_not_found': 'admin-error-user-not-found',
  'admin.negative_balance': 'admin-error-negative-balance',
  'admin.invalid_amount': 'admin-error-amount',
  'admin.invalid_reason': 'admin-error-reason',
  'admin.charge_not_found': 'admin-error-charge-not-found',
  'admin.refund_spent': 'admin-error-refund-spent',
  'admin.refund_closed': 'admin-error-refund-closed',
  'admin.refund_refused': 'admin-error-refund-refused',
  'admin.refund_unknown': 'admin-error-refund-unknown',
};

/** An admin action was refused; nothing was written. The message tells the admin what to change. */
export class AdminActionError extends AppError {
  override readonly name = 'AdminActionError';
  declare readonly code: AdminErrorCode;
  /** `args` fill the admin's message (ids as strings, so they are not shown as 1,234,567). */
  constructor(
    code: AdminErrorCode,
    args: Readonly<Record<string, string | number>> = {},
    options: { readonly details?: ErrorDetails; readonly cause?: unknown } = {},
  ) {
    super(`Admin action refused: ${code}`, {
      code,
      userMessageKey: MESSAGE_KEYS[code],
      userMessageArgs: args,
      expected: true,
      ...(options.details ? { details: options.details } : {}),
      ...(options.cause === undefined ? {} : { cause: options.cause }),
    });
  }
}

import { AppError, type ErrorDetails } from './app-error.ts';

/** Every billing failure code; also the span's `error.type`. */
export type BillingErrorCode =
  | 'billing.insufficient_balance'
  | 'billing.already_refunded'
  | 'billing.not_refundable'
  | 'billing.entry_not_found'
  | 'billing.unknown_user'
  | 'billing.idempotency_conflict'
  | 'billing.invalid_amount'
  | 'billing.invalid_argument';

/** The user has fewer credits than the charge needs; nothing was written. */
export class InsufficientBalanceError extends AppError {
  override readonly name = 'InsufficientBalanceError';
  declare readonly code: 'billing.insufficient_balance';
  constructor(balance: number, amount: number) {
    super(`Insufficient balance: ${balance} < ${amount}`, {
      code: 'billing.insufficient_balance',
      userMessageKey: 'error-insufficient-balance',
      userMessageArgs: { balance, amount },
      expected: true,
      details: { balance, amount },
    });
  }
}

/** The charge already has a refund (under another idempotency key); nothing was written. */
export class AlreadyRefundedError extends AppError {
  override readonly name = 'AlreadyRefundedError';
  declare readonly code: 'billing.already_refunded';
  constructor(chargeEntryId: number, refundEntryId: number) {
    super(`Charge ${chargeEntryId} was already refunded by entry ${refundEntryId}`, {
      code: 'billing.already_refunded',
      expected: true,
      details: { chargeEntryId, refundEntryId },
    });
  }
}

/** Only charges can be refunded. */
export class NotRefundableError extends AppError {
  override readonly name = 'NotRefundableError';
  declare readonly code: 'billing.not_refundable';
  constructor(entryId: number, operation: string) {
    super(`Entry ${entryId} is a ${operation}, only a charge can be refunded`, {
      code: 'billing.not_refundable',
      details: { entryId, operation },
    });
  }
}

/** The entry to refund does not exist. */
export class LedgerEntryNotFoundError extends AppError {
  override readonly name = 'LedgerEntryNotFoundError';
  declare readonly code: 'billing.entry_not_found';
  constructor(details: ErrorDetails) {
    super('Ledger entry not found', { code: 'billing.entry_not_found', details });
  }
}

/** Billing never creates users: the users row must exist first (foreign key). */
export class UnknownUserError extends AppError {
  override readonly name = 'UnknownUserError';
  declare readonly code: 'billing.unknown_user';
  constructor(userId: number) {
    super(`User ${userId} does not exist`, { code: 'billing.unknown_user', details: { userId } });
  }
}

/** An idempotency key was reused for a different request (another user, operation or amount). */
export class IdempotencyConflictError extends AppError {
  override readonly name = 'IdempotencyConflictError';
  declare readonly code: 'billing.idempotency_conflict';
  constructor(entryId: number) {
    super(`Idempotency key already used by entry ${entryId} for a different request`, {
      code: 'billing.idempotency_conflict',
      details: { entryId },
    });
  }
}

/** A caller passed an amount or argument the ledger cannot accept; the message says what is wrong. */
export class BillingValidationError extends AppError {
  override readonly name = 'BillingValidationError';
  declare readonly code: 'billing.invalid_amount' | 'billing.invalid_argument';
  constructor(code: 'billing.invalid_amount' | 'billing.invalid_argument', message: string) {
    super(message, { code });
  }
}

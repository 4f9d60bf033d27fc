import { BillingValidationError } from '../../errors/billing-errors.ts';

/** Longest accepted idempotency key or reference; keys are ids, not payloads. */
const MAX_TEXT = 200;
/** Largest history page. */
export const MAX_HISTORY_LIMIT = 500;

// Amounts are JS numbers mapped to bigint: only safe integers survive the round trip exactly.
/** Throws unless the amount is a positive safe integer (rejects 0, negatives, fractions, NaN). */
export function assertAmount(amount: unknown): asserts amount is number {
  if (!Number.isSafeInteger(amount) || (amount as number) <= 0) {
    throw new BillingValidationError(
      'billing.invalid_amount',
      `amount must be a positive safe integer, got ${String(amount)}`,
    );
  }
}

/** Throws unless the amount is a non-zero safe integer (an adjustment may go either way). */
export function assertSignedAmount(amount: unknown): asserts amount is number {
  if (!Number.isSafeInteger(amount) || amount === 0) {
    throw new BillingValidationError(
      'billing.invalid_amount',
      `amount must be a non-zero safe integer, got ${String(amount)}`,
    );
  }
}

/** Throws unless the value is a positive safe integer id (user, admin or entry). */
export function assertId(name: string, id: unknown): asserts id is number {
  if (!Number.isSafeInteger(id) || (id as number) <= 0) {
    throw new BillingValidationError('billing.invalid_argument', `${name} must be a positive safe integer`);
  }
}

/** Throws unless the value is a non-empty string of at most 200 characters. */
export function assertText(name: string, value: unknown): asserts value is string {
  if (typeof value !== 'string' || value.trim() === '' || value.length > MAX_TEXT) {
    throw new BillingValidationError(
      'billing.invalid_argument',
      `${name} must be a non-empty string of at most ${MAX_TEXT} characters`,
    );
  }
}

/** Throws unless the page size is an integer from 1 to 500. */
export function assertLimit(limit: unknown): asserts limit is number {
  if (!Number.isSafeInteger(limit) || (limit as number) < 1 || (limit as number) > MAX_HISTORY_LIMIT) {
    throw new BillingValidationError(
      'billing.invalid_argument',
      `limit must be an integer from 1 to ${MAX_HISTORY_LIMIT}`,
    );
  }
}

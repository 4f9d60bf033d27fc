import { AppError } from '../../errors/app-error.ts';

/** The user already has as many generations in flight as allowed; nothing was charged. */
export class TooManyGenerationsError extends AppError {
  override readonly name = 'TooManyGenerationsError';
  constructor(userId: number, limit: number) {
    super(`User ${userId} has ${limit} generations in flight`, {
      code: 'generation.too_many_in_flight',
      userMessageKey: 'error-too-many-generations',
      userMessageArgs: { limit },
      expected: true,
      details: { user_id: userId, limit },
    });
  }
}

/** Telegram refused the result for good (e.g. too big, bad file); the charge is refunded. */
export class DeliveryRejectedError extends AppError {
  override readonly name = 'DeliveryRejectedError';
  constructor(message: string, options: { cause?: unknown } = {}) {
    super(message, { code: 'generation.delivery_failed', ...options });
  }
}

/** Safe, structured error details: no secrets, no user text. */
export type ErrorDetails = Readonly<Record<string, string | number | boolean | undefined>>;

export interface AppErrorOptions {
  /** Stable, low-cardinality code, also used as `error.type` (e.g. `kie.insufficient_credits`). */
  readonly code: string;
  /** The i18n key of the message the user sees. */
  readonly userMessageKey?: string;
  /** Variables for that message. */
  readonly userMessageArgs?: Readonly<Record<string, string | number>>;
  /** Whether trying the same operation again may succeed. */
  readonly retryable?: boolean;
  /** Expected failures (bad input, a user who blocked the bot) are logged below error level. */
  readonly expected?: boolean;
  readonly details?: ErrorDetails;
  readonly cause?: unknown;
}

/**
 * Base class of every domain failure (KIE, LLM, billing, validation extend it). The error handler
 * decides by these fields, never by the message.
 */
export class AppError extends Error {
  override readonly name: string = 'AppError';
  readonly code: string;
  readonly userMessageKey: string;
  readonly userMessageArgs: Readonly<Record<string, string | number>>;
  readonly retryable: boolean;
  readonly expected: boolean;
  readonly details: ErrorDetails;

  constructor(message: string, options: AppErrorOptions) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = options.code;
    this.userMessageKey = options.userMessageKey ?? 'error-generic';
    this.userMessageArgs = options.userMessageArgs ?? {};
    this.retryable = options.retryable ?? false;
    this.expected = options.expected ?? false;
    this.details = options.details ?? {};
  }
}

/** The user sent something the bot cannot accept; the message says what to fix. */
export class ValidationError extends AppError {
  override readonly name = 'ValidationError';
  constructor(
    reasonKey: string,
    args: Readonly<Record<string, string | number>> = {},
    details?: ErrorDetails,
  ) {
    super(`Validation failed: ${reasonKey}`, {
      code: 'validation',
      userMessageKey: reasonKey,
      userMessageArgs: args,
      expected: true,
      ...(details ? { details } : {}),
    });
  }
}

/** A dependency is down or out of credit; the user is asked to come back later. */
export class ServiceUnavailableError extends AppError {
  override readonly name = 'ServiceUnavailableError';
  constructor(code: string, message: string, options: Omit<AppErrorOptions, 'code' | 'userMessageKey'> = {}) {
    super(message, { ...options, code, userMessageKey: 'error-unavailable' });
  }
}

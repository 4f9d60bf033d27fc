import { BotError, GrammyError, HttpError } from 'grammy';
import { AppError, type ErrorDetails } from './app-error.ts';
import { isTransientDatabaseError, sqlStateOf } from './database-errors.ts';

/** How the single error handler treats a failure. */
export interface ClassifiedError {
  /** Stable code, used as `error.type` on spans and metrics. */
  readonly code: string;
  /** The i18n key shown to the user, or null when the user must not be messaged. */
  readonly userMessageKey: string | null;
  readonly userMessageArgs: Readonly<Record<string, string | number>>;
  readonly retryable: boolean;
  /** Log level: expected failures are not errors. */
  readonly level: 'error' | 'warn' | 'info';
  readonly details: ErrorDetails;
  /** The original error, unwrapped from BotError. */
  readonly error: unknown;
}

/** Telegram's description for a user who blocked the bot (also 'user is deactivated'). */
export function isBlockedByUser(error: unknown): boolean {
  return (
    error instanceof GrammyError &&
    error.error_code === 403 &&
    /blocked by the user|user is deactivated|bot was kicked/i.test(error.description)
  );
}

/**
 * An infrastructure failure: the request or the database did not work right now (Telegram
 * unreachable or 5xx, the database down or restarting), not that the update was wrong. Handling the
 * same update again later may succeed, so the update inbox keeps it for another attempt.
 */
export function isInfrastructureFailure(thrown: unknown): boolean {
  const error = thrown instanceof BotError ? thrown.error : thrown;
  if (error instanceof HttpError) return true;
  if (error instanceof GrammyError) return error.error_code >= 500;
  if (error instanceof AppError) return false;
  return isTransientDatabaseError(error);
}

/** Classifies any thrown value by its class, never by parsing free text (Telegram descriptions aside). */
export function classifyError(thrown: unknown): ClassifiedError {
  const error = thrown instanceof BotError ? thrown.error : thrown;
  if (error instanceof AppError) {
    return {
      code: error.code,
      userMessageKey: error.userMessageKey,
      userMessageArgs: error.userMessageArgs,
      retryable: error.retryable,
      level: error.expected ? 'warn' : 'error',
      details: error.details,
      error,
    };
  }
  if (error instanceof GrammyError) return classifyGrammyError(error);
  if (error instanceof HttpError) {
    return {
      code: 'telegram.network',
      userMessageKey: 'error-network',
      userMessageArgs: {},
      retryable: true,
      level: 'error',
      details: { message: error.message },
      error,
    };
  }
  if (isTransientDatabaseError(error)) {
    const state = sqlStateOf(error);
    return {
      code: 'db.unavailable',
      userMessageKey: 'error-network',
      userMessageArgs: {},
      retryable: true,
      level: 'error',
      details: state ? { db_code: state } : {},
      error,
    };
  }
  return {
    code: error instanceof Error ? 'internal' : 'internal.non_error_thrown',
    userMessageKey: 'error-generic',
    userMessageArgs: {},
    retryable: false,
    level: 'error',
    details: {},
    error,
  };
}

/** Telegram said no: decided by error_code, and by description only where Telegram offers nothing else. */
function classifyGrammyError(error: GrammyError): ClassifiedError {
  const details = {
    telegram_method: error.method,
    telegram_error_code: error.error_code,
    telegram_description: error.description,
  };
  // Expected and silent: nothing useful to tell the user, and not an error in the logs.
  const quiet = (code: string): ClassifiedError => ({
    code,
    userMessageKey: null,
    userMessageArgs: {},
    retryable: false,
    level: 'info',
    details,
    error,
  });
  if (isBlockedByUser(error)) return quiet('telegram.blocked');
  if (error.error_code === 400 && /message is not modified/i.test(error.description)) {
    // The user pressed the same button twice.
    return quiet('telegram.not_modified');
  }
  if (error.error_code === 400 && /query is too old|query ID is invalid/i.test(error.description)) {
    return quiet('telegram.query_expired');
  }
  if (error.error_code === 429) {
    return {
      code: 'telegram.429',
      userMessageKey: 'error-rate-limited',
      userMessageArgs: {},
      retryable: true,
      level: 'warn',
      details: { ...details, telegram_retry_after: error.parameters.retry_after },
      error,
    };
  }
  return {
    code: `telegram.${error.error_code}`,
    userMessageKey: 'error-telegram',
    userMessageArgs: {},
    retryable: error.error_code >= 500,
    level: 'error',
    details,
    error,
  };
}

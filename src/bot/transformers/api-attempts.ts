import { trace } from '@opentelemetry/api';
import { HttpError, type Transformer } from 'grammy';
import { AppError } from '../../errors/app-error.ts';
import {
  ATTR_TELEGRAM_API_ATTEMPT,
  ATTR_TELEGRAM_API_ERROR_CODE,
  ATTR_TELEGRAM_API_RETRY_AFTER,
  EVENT_TELEGRAM_API_RETRY,
} from '../../telemetry/attributes.ts';
import { currentCallState } from './call-state.ts';

/**
 * Installed before auto-retry, so it sees every attempt. It adds a `retry` event to the call's span
 * for each attempt after the first, and caps network-failure attempts: auto-retry's HttpError loop
 * is otherwise unbounded (429 and 5xx are capped by auto-retry's own maxRetryAttempts).
 */
export function apiAttemptsTransformer(maxAttempts: number): Transformer {
  return async (prev, method, payload, signal) => {
    const state = currentCallState();
    if (!state) return prev(method, payload, signal);
    state.attempts += 1;
    if (state.attempts > 1) {
      trace.getActiveSpan()?.addEvent(EVENT_TELEGRAM_API_RETRY, {
        [ATTR_TELEGRAM_API_ATTEMPT]: state.attempts,
        ...(state.lastErrorCode === undefined ? {} : { [ATTR_TELEGRAM_API_ERROR_CODE]: state.lastErrorCode }),
        ...(state.lastRetryAfter === undefined
          ? {}
          : { [ATTR_TELEGRAM_API_RETRY_AFTER]: state.lastRetryAfter }),
      });
    }
    try {
      const res = await prev(method, payload, signal);
      state.lastErrorCode = res.ok ? undefined : res.error_code;
      state.lastRetryAfter = res.ok ? undefined : res.parameters?.retry_after;
      return res;
    } catch (error) {
      state.lastErrorCode = undefined;
      state.lastRetryAfter = undefined;
      // auto-retry retries only HttpError, so a different class ends its loop now, without another backoff.
      if (error instanceof HttpError && state.attempts >= maxAttempts) {
        throw new AppError(`Bot API ${method} failed after ${maxAttempts} attempts`, {
          code: 'telegram.network',
          userMessageKey: 'error-network',
          retryable: true,
          details: { method, attempts: maxAttempts },
          cause: error,
        });
      }
      throw error;
    }
  };
}

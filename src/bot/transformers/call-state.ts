import { context, createContextKey } from '@opentelemetry/api';

/** Facts about one logical Bot API call, shared between the outer (tracing) and inner (attempt) transformers. */
export interface CallState {
  attempts: number;
  lastErrorCode?: number;
  lastRetryAfter?: number;
}

const CALL_STATE = createContextKey('tg-genbot.telegram-api-call');

/** Runs fn with a fresh call state in the active context. */
export function withCallState<T>(state: CallState, fn: () => T): T {
  return context.with(context.active().setValue(CALL_STATE, state), fn);
}

/** The state of the logical call the current attempt belongs to. */
export function currentCallState(): CallState | undefined {
  return context.active().getValue(CALL_STATE) as CallState | undefined;
}

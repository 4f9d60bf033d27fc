import { AsyncLocalStorage } from 'node:async_hooks';

/** Facts about one logical Bot API call, shared between the outer (tracing) and inner (attempt) transformers. */
export interface CallState {
  attempts: number;
  lastErrorCode?: number;
  lastRetryAfter?: number;
}

// Its own storage, not the OpenTelemetry context: with telemetry off (OTEL_SDK_DISABLED, or no SDK in
// tests) that context does not propagate, and the cap on network retries must hold regardless.
const storage = new AsyncLocalStorage<CallState>();

/** Runs fn with a fresh call state. */
export function withCallState<T>(state: CallState, fn: () => T): T {
  return storage.run(state, fn);
}

/** The state of the logical call the current attempt belongs to. */
export function currentCallState(): CallState | undefined {
  return storage.getStore();
}

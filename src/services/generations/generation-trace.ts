import { type Context, propagation, ROOT_CONTEXT } from '@opentelemetry/api';

/**
 * The context later spans of a generation start in: the confirming update's trace when known, so the
 * whole generation is one trace; otherwise a fresh root, never whatever the worker loop has active.
 */
export function generationContext(traceparent: string | null): Context {
  return traceparent ? propagation.extract(ROOT_CONTEXT, { traceparent }) : ROOT_CONTEXT;
}

import { type Context, propagation, ROOT_CONTEXT } from '@opentelemetry/api';
import type { GenerationRow } from '../../db/tables/generations.table.ts';
import { ERROR_REF_LENGTH } from '../../errors/error-ref.ts';
import { LOG_GENERATION_ID, LOG_MODEL_ID, LOG_TASK_ID } from '../../telemetry/attributes.ts';

/**
 * The context later spans of a generation start in: the confirming update's trace when known, so the
 * whole generation is one trace; otherwise a fresh root, never whatever the worker loop has active.
 */
export function generationContext(traceparent: string | null): Context {
  return traceparent ? propagation.extract(ROOT_CONTEXT, { traceparent }) : ROOT_CONTEXT;
}

/**
 * The reference users see for a generation's failure: the trace id's prefix (as for every other
 * error), or the generation id's when tracing was off at confirmation.
 */
export function generationRef(generation: {
  readonly traceparent?: string | null | undefined;
  readonly id: string;
}): string {
  const traceId = generation.traceparent?.split('-')[1];
  return (traceId && /^[0-9a-f]{32}$/.test(traceId) ? traceId : generation.id.replaceAll('-', '')).slice(
    0,
    ERROR_REF_LENGTH,
  );
}

/** The fields every log line about a generation carries (Loki queries them). */
export function generationLogFields(row: GenerationRow) {
  return {
    [LOG_GENERATION_ID]: row.id,
    [LOG_MODEL_ID]: row.model_id,
    [LOG_TASK_ID]: row.kie_task_id ?? undefined,
    user_id: row.user_id,
    ...(row.dry_run && { dry_run: true }),
  };
}

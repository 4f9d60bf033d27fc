import { type Attributes, type Span, SpanKind } from '@opentelemetry/api';
import { AppError } from '../../errors/app-error.ts';
import { ATTR_KIE_CODE } from '../../telemetry/attributes.ts';
import { getTracer, markSpanError } from '../../telemetry/tracing.ts';
import { KieApiError } from './errors.ts';

/** error.type: the AppError code, else the class name (never the message). */
export function kieErrorType(error: unknown): string {
  if (error instanceof AppError) return error.code;
  return error instanceof Error ? error.name : '_OTHER';
}

/** A CLIENT span that is active while fn runs, so undici's own spans become its children. */
export function inKieSpan<T>(
  name: string,
  attributes: Attributes,
  signal: AbortSignal | undefined,
  fn: (span: Span) => Promise<T>,
): Promise<T> {
  return getTracer().startActiveSpan(name, { kind: SpanKind.CLIENT, attributes }, async (span) => {
    try {
      return await fn(span);
    } catch (error) {
      // An abort is the caller's decision, not a failure (STYLE.md §6).
      if (!signal?.aborted) {
        const extra = error instanceof KieApiError ? { [ATTR_KIE_CODE]: error.kieCode } : undefined;
        markSpanError(span, error, kieErrorType(error), extra);
      }
      throw error;
    } finally {
      span.end();
    }
  });
}

import {
  type Attributes,
  type Span,
  type SpanOptions,
  SpanStatusCode,
  type Tracer,
  trace,
} from '@opentelemetry/api';
import { fitText } from '../text/cut-text.ts';
import { ATTR_ERROR_TYPE, INSTRUMENTATION_SCOPE } from './attributes.ts';
import { redact } from './redact.ts';

/** The app's tracer; the global provider decides whether spans are recorded. */
export function getTracer(): Tracer {
  return trace.getTracer(INSTRUMENTATION_SCOPE);
}

/** Runs fn inside an active span that ends when fn settles; a throw marks it ERROR and rethrows. */
export async function withSpan<T>(
  name: string,
  options: SpanOptions,
  fn: (span: Span) => Promise<T>,
  errorType: (error: unknown) => string = defaultErrorType,
): Promise<T> {
  return getTracer().startActiveSpan(name, options, async (span) => {
    try {
      return await fn(span);
    } catch (error) {
      markSpanError(span, error, errorType(error));
      throw error;
    } finally {
      span.end();
    }
  });
}

function defaultErrorType(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && code.length <= 64) return code;
  return error instanceof Error ? error.name : '_OTHER';
}

/** Records the exception (secrets scrubbed), status ERROR and error.type; telemetry never throws. */
export function markSpanError(span: Span, error: unknown, errorType: string, extra?: Attributes): void {
  try {
    const exception =
      error instanceof Error
        ? { name: error.name, message: redact(error.message), stack: error.stack && redact(error.stack) }
        : { name: 'NonError', message: redact(String(error)) };
    span.recordException(exception);
    span.setAttribute(ATTR_ERROR_TYPE, errorType);
    if (extra) span.setAttributes(extra);
    // Cut between characters: half an emoji is invalid UTF-8, and a collector refuses the whole export.
    span.setStatus({ code: SpanStatusCode.ERROR, message: fitText(exception.message, 200) });
  } catch {
    // A broken span must not turn a handled error into a crash.
  }
}

import { randomBytes } from 'node:crypto';
import { isSpanContextValid, type Span } from '@opentelemetry/api';

/** Length of the reference shown to users: the first hex characters of the trace id. */
export const ERROR_REF_LENGTH = 8;

/**
 * The short reference a user can quote: the trace id's prefix, so Tempo finds the trace; random when
 * tracing is off, so logs (field error_ref) still find the failure.
 */
export function errorRefFor(span: Span | undefined): string {
  const ctx = span?.spanContext();
  if (ctx && isSpanContextValid(ctx)) return ctx.traceId.slice(0, ERROR_REF_LENGTH);
  return randomBytes(ERROR_REF_LENGTH / 2).toString('hex');
}

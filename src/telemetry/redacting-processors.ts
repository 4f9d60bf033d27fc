import type { AnyValue, Attributes, Context } from '@opentelemetry/api';
import type { LogRecordProcessor, ReadWriteLogRecord } from '@opentelemetry/sdk-logs';
import type { ReadableSpan, Span, SpanProcessor } from '@opentelemetry/sdk-trace';
import { redact, redactDeep } from './redact.ts';

/** Only the attributes that changed (most spans have none), so the common case allocates nothing. */
function redactAttributes(attributes: Attributes): Attributes | undefined {
  let changed: Attributes | undefined;
  for (const key in attributes) {
    const value = attributes[key];
    if (typeof value === 'string') {
      const clean = redact(value);
      if (clean !== value) {
        changed ??= {};
        changed[key] = clean;
      }
    } else if (Array.isArray(value) && value.some((v) => typeof v === 'string')) {
      const clean = value.map((v) => (typeof v === 'string' ? redact(v) : v));
      if (clean.some((v, i) => v !== value[i])) {
        changed ??= {};
        changed[key] = clean as Attributes[string];
      }
    }
  }
  return changed;
}

/**
 * Registered before the exporting processor: scrubs secrets from every span's name, attributes,
 * events and status while the span can still be changed (onEnding). This is what keeps a token in
 * an auto-instrumented URL or an exception message from leaving the process.
 */
export class RedactingSpanProcessor implements SpanProcessor {
  onStart(): void {}

  onEnding(span: Span): void {
    try {
      const name = redact(span.name);
      if (name !== span.name) span.updateName(name);
      const attrs = redactAttributes(span.attributes);
      if (attrs) span.setAttributes(attrs);
      for (const event of span.events) {
        if (!event.attributes) continue;
        const eventAttrs = redactAttributes(event.attributes);
        if (eventAttrs) Object.assign(event.attributes, eventAttrs);
      }
      if (span.status.message) span.status.message = redact(span.status.message);
    } catch {
      // Never break the host; the collector redacts again.
    }
  }

  onEnd(_span: ReadableSpan): void {}
  async forceFlush(): Promise<void> {}
  async shutdown(): Promise<void> {}
}

/** The same for log records: body and attributes, before the exporting processor sees them. */
export class RedactingLogRecordProcessor implements LogRecordProcessor {
  onEmit(record: ReadWriteLogRecord, _context?: Context): void {
    try {
      if (record.body !== undefined) record.setBody(redactDeep(record.body) as AnyValue);
      const attrs = redactAttributes(record.attributes);
      if (attrs) record.setAttributes(attrs);
    } catch {
      // As above.
    }
  }
  async forceFlush(): Promise<void> {}
  async shutdown(): Promise<void> {}
}

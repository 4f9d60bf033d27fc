import assert from 'node:assert/strict';
import type { Attributes, AttributeValue, SpanKind, SpanStatusCode } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace';

export interface ExpectedSpan {
  readonly name?: string | RegExp;
  readonly kind?: SpanKind;
  /** The parent span, or null for a root span. */
  readonly parent?: ReadableSpan | null;
  /** Attributes that must be present with these values (others may exist). */
  readonly attributes?: Readonly<Record<string, AttributeValue | RegExp>>;
  /** Attribute keys that must be absent. */
  readonly absent?: readonly string[];
  readonly status?: SpanStatusCode;
  /** Event names that must occur, in this order (others may be interleaved). */
  readonly events?: readonly string[];
}

/** The one span assertion every telemetry test uses. */
export function assertSpan(span: ReadableSpan | undefined, expected: ExpectedSpan): ReadableSpan {
  assert.ok(span, `expected a span ${String(expected.name ?? '')}`);
  const label = `span "${span.name}"`;
  if (expected.name instanceof RegExp) assert.match(span.name, expected.name, label);
  else if (expected.name !== undefined) assert.equal(span.name, expected.name, label);
  if (expected.kind !== undefined) assert.equal(span.kind, expected.kind, `${label} kind`);
  if (expected.parent === null) assert.equal(span.parentSpanContext?.spanId, undefined, `${label} is a root`);
  else if (expected.parent) {
    assert.equal(span.parentSpanContext?.spanId, expected.parent.spanContext().spanId, `${label} parent`);
    assert.equal(span.spanContext().traceId, expected.parent.spanContext().traceId, `${label} trace`);
  }
  for (const [key, value] of Object.entries(expected.attributes ?? {})) {
    const actual: unknown = (span.attributes as Attributes)[key];
    if (value instanceof RegExp) assert.match(String(actual), value, `${label} ${key}`);
    else assert.deepEqual(actual, value, `${label} ${key}`);
  }
  for (const key of expected.absent ?? []) {
    assert.equal((span.attributes as Attributes)[key], undefined, `${label} must not have ${key}`);
  }
  if (expected.status !== undefined) assert.equal(span.status.code, expected.status, `${label} status`);
  if (expected.events) {
    const names = span.events.map((e) => e.name);
    let from = 0;
    for (const name of expected.events) {
      const at = names.indexOf(name, from);
      assert.ok(at >= 0, `${label} events ${JSON.stringify(names)} lack ${name}`);
      from = at + 1;
    }
  }
  return span;
}

/** Finds the one finished span matching the name (and predicate), failing with the list of names. */
export function findSpan(
  spans: readonly ReadableSpan[],
  name: string | RegExp,
  where: (s: ReadableSpan) => boolean = () => true,
): ReadableSpan {
  const match = spans.filter(
    (s) => (typeof name === 'string' ? s.name === name : name.test(s.name)) && where(s),
  );
  assert.equal(
    match.length,
    1,
    `expected one span ${name}, got ${match.length} among ${spans.map((s) => s.name).join(', ')}`,
  );
  return match[0] as ReadableSpan;
}

/** Every descendant of a span. */
export function childrenOf(spans: readonly ReadableSpan[], parent: ReadableSpan): ReadableSpan[] {
  return spans.filter((s) => s.parentSpanContext?.spanId === parent.spanContext().spanId);
}

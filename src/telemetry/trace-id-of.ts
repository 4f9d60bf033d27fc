/** W3C `traceparent`: version, 32-hex trace id, 16-hex parent span id, flags (https://www.w3.org/TR/trace-context/#traceparent-header). */
const TRACEPARENT = /^[0-9a-f]{2}-([0-9a-f]{32})-[0-9a-f]{16}-[0-9a-f]{2}$/;

/** The trace id of a stored `traceparent` (what Tempo searches by), or undefined if there is none. */
export function traceIdOf(traceparent: string | null | undefined): string | undefined {
  const traceId = traceparent?.trim().toLowerCase().match(TRACEPARENT)?.[1];
  return traceId && !/^0+$/.test(traceId) ? traceId : undefined;
}

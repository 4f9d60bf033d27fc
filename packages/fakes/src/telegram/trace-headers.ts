import type { IncomingHttpHeaders } from 'node:http';

/** What a Bot API request says about the trace it was made in. */
export interface RequestTrace {
  /** 32 lowercase hex digits, from the W3C `traceparent` header. */
  traceId: string;
  /** The update the bot was handling, from the W3C `baggage` entry `telegram.update.id`. */
  updateId?: number;
}

/** https://www.w3.org/TR/trace-context/#traceparent-header-field-values (version 00 and later). */
const TRACEPARENT = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})/;
const INVALID_TRACE_ID = '0'.repeat(32);
/** The baggage key the bot puts the update id under (src/bot/transformers/trace-headers-fetch.ts). */
export const UPDATE_ID_BAGGAGE_KEY = 'telegram.update.id';

/** Reads `traceparent` (and the update id in `baggage`); undefined without a valid trace id. */
export function readRequestTrace(headers: IncomingHttpHeaders): RequestTrace | undefined {
  const header = headers.traceparent;
  const match = TRACEPARENT.exec((Array.isArray(header) ? header[0] : header)?.trim().toLowerCase() ?? '');
  if (!match || match[1] === 'ff' || match[2] === INVALID_TRACE_ID) return undefined;
  const traceId = match[2]!;
  const updateId = baggageUpdateId(headers.baggage);
  return updateId === undefined ? { traceId } : { traceId, updateId };
}

/** https://www.w3.org/TR/baggage/#header-content: comma-separated `key=value;properties`. */
function baggageUpdateId(header: string | string[] | undefined): number | undefined {
  const members = (Array.isArray(header) ? header.join(',') : (header ?? '')).split(',');
  for (const member of members) {
    const [pair] = member.split(';');
    const eq = pair?.indexOf('=') ?? -1;
    if (!pair || eq < 0 || pair.slice(0, eq).trim() !== UPDATE_ID_BAGGAGE_KEY) continue;
    const value = Number(decodeURIComponent(pair.slice(eq + 1).trim()));
    if (Number.isSafeInteger(value) && value >= 0) return value;
  }
  return undefined;
}

import { createRequire } from 'node:module';
import { context, defaultTextMapSetter } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import type { ApiClientOptions } from 'grammy';
import { ATTR_TELEGRAM_UPDATE_ID, LOG_UPDATE_ID } from '../../telemetry/attributes.ts';
import { getLogContext } from '../../telemetry/log-context.ts';

/** The `fetch` grammY's ApiClientOptions take. */
export type BotApiFetch = NonNullable<ApiClientOptions['fetch']>;

const propagator = new W3CTraceContextPropagator();

/**
 * grammY's own transport on Node: node-fetch, resolved from grammY's package so it is the very
 * copy grammY would use (another major version of node-fetch may sit at the top of node_modules).
 */
export function grammyDefaultFetch(): BotApiFetch {
  return createRequire(import.meta.resolve('grammy'))('node-fetch') as BotApiFetch;
}

/**
 * Wraps the Bot API transport so each request carries the W3C `traceparent` of the call's
 * telegram.api span and, inside an update, `baggage: telegram.update.id=<id>`. The http
 * instrumentation is off for Bot API calls (src/telemetry/sdk.ts), so nothing else sends them. A
 * local Bot API server or the sandbox's Telegram fake can then tie every message to its trace, and
 * every update to the trace that handled it. Long polls run with tracing suppressed and get neither.
 */
export function traceHeadersFetch(base: BotApiFetch = grammyDefaultFetch()): BotApiFetch {
  return ((url: Parameters<BotApiFetch>[0], init?: Parameters<BotApiFetch>[1]) => {
    let extra: Record<string, string> = {};
    try {
      propagator.inject(context.active(), extra, defaultTextMapSetter);
      const updateId = getLogContext()?.[LOG_UPDATE_ID];
      if (extra.traceparent && typeof updateId === 'number')
        extra.baggage = `${ATTR_TELEGRAM_UPDATE_ID}=${updateId}`;
    } catch {
      extra = {}; // Telemetry never fails a call.
    }
    if (!extra.traceparent) return base(url, init);
    // grammY builds its headers as a plain object (createJsonPayload / createFormDataPayload).
    const headers = init?.headers as Record<string, string> | undefined;
    return base(url, { ...init, headers: { ...headers, ...extra } });
  }) as BotApiFetch;
}

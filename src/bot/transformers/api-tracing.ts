import { context, SpanKind } from '@opentelemetry/api';
import { suppressTracing } from '@opentelemetry/core';
import type { Transformer } from 'grammy';
import {
  ATTR_OUTCOME,
  ATTR_TELEGRAM_API_ATTEMPT,
  ATTR_TELEGRAM_API_DESCRIPTION,
  ATTR_TELEGRAM_API_ERROR_CODE,
  ATTR_TELEGRAM_API_METHOD,
  ATTR_TELEGRAM_API_OK,
  ATTR_TELEGRAM_API_RETRY_AFTER,
  ATTR_TELEGRAM_CHAT_ID,
  SPAN_TELEGRAM_API,
} from '../../telemetry/attributes.ts';
import type { BotMetrics } from '../../telemetry/metrics.ts';
import { redact } from '../../telemetry/redact.ts';
import { getTracer, markSpanError } from '../../telemetry/tracing.ts';
import { fitText } from '../../text/cut-text.ts';
import { type CallState, withCallState } from './call-state.ts';

/** Long polls are not traced: one 30 s root span per poll would drown the real traces. */
const UNTRACED_METHODS = new Set(['getUpdates']);

function chatIdOf(payload: unknown): string | number | undefined {
  const id = (payload as { chat_id?: unknown } | undefined)?.chat_id;
  return typeof id === 'number' || typeof id === 'string' ? id : undefined;
}

/**
 * One CLIENT span per logical Bot API call (installed after auto-retry, so it wraps every attempt).
 * Only the method, chat id and Telegram's verdict go on the span, never payloads. The returned
 * promise settles exactly as the inner call does: telemetry never swallows or delays a result.
 */
export function apiTracingTransformer(metrics: BotMetrics): Transformer {
  return async (prev, method, payload, signal) => {
    if (UNTRACED_METHODS.has(method)) {
      return context.with(suppressTracing(context.active()), () => prev(method, payload, signal));
    }
    const chatId = chatIdOf(payload);
    const state: CallState = { attempts: 0 };
    return getTracer().startActiveSpan(
      `${SPAN_TELEGRAM_API} ${method}`,
      {
        kind: SpanKind.CLIENT,
        attributes: {
          [ATTR_TELEGRAM_API_METHOD]: method,
          ...(chatId === undefined ? {} : { [ATTR_TELEGRAM_CHAT_ID]: chatId }),
        },
      },
      async (span) => {
        let outcome: 'ok' | 'error' = 'error';
        let errorCode: number | undefined;
        try {
          const res = await withCallState(state, () => prev(method, payload, signal));
          if (res.ok) {
            outcome = 'ok';
            span.setAttribute(ATTR_TELEGRAM_API_OK, true);
          } else {
            errorCode = res.error_code;
            span.setAttributes({
              [ATTR_TELEGRAM_API_OK]: false,
              [ATTR_TELEGRAM_API_ERROR_CODE]: res.error_code,
              [ATTR_TELEGRAM_API_DESCRIPTION]: fitText(redact(res.description), 256),
              ...(res.parameters?.retry_after === undefined
                ? {}
                : { [ATTR_TELEGRAM_API_RETRY_AFTER]: res.parameters.retry_after }),
            });
            markSpanError(span, new Error(res.description), `telegram.${res.error_code}`);
          }
          return res;
        } catch (error) {
          // HttpError (network) or an abort; the caller still gets the original rejection.
          markSpanError(span, error, error instanceof Error ? errorTypeOf(error) : '_OTHER');
          throw error;
        } finally {
          span.setAttribute(ATTR_TELEGRAM_API_ATTEMPT, Math.max(state.attempts, 1));
          span.end();
          try {
            metrics.apiCalls.add(1, `${method} ${outcome} ${errorCode ?? ''}`, () => ({
              [ATTR_TELEGRAM_API_METHOD]: method,
              [ATTR_OUTCOME]: outcome,
              ...(errorCode === undefined ? {} : { [ATTR_TELEGRAM_API_ERROR_CODE]: errorCode }),
            }));
          } catch {
            // Metrics must never fail a call.
          }
        }
      },
    );
  };
}

function errorTypeOf(error: Error): string {
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string') return code;
  return error.name === 'HttpError' ? 'telegram.network' : error.name;
}

import { context, type Link, SpanKind, trace } from '@opentelemetry/api';
import type { NextFunction } from 'grammy';
import {
  ATTR_BOT_FEATURE,
  ATTR_BOT_MODE,
  ATTR_BOT_UPDATE_DUPLICATE,
  ATTR_ERROR_TYPE,
  ATTR_OUTCOME,
  ATTR_TELEGRAM_UPDATE_TYPE,
  LOG_CHAT_ID,
  LOG_UPDATE_ID,
  LOG_USER_ID,
  SPAN_BOT_UPDATE,
} from '../../telemetry/attributes.ts';
import { withLogContext } from '../../telemetry/log-context.ts';
import { getTracer } from '../../telemetry/tracing.ts';
import type { BotContext } from '../context.ts';
import { updateAttributes, updateTypeOf } from './update-attributes.ts';

/**
 * The outermost middleware: every update becomes a root CONSUMER span (both modes, so dashboards
 * see one shape; in webhook mode the HTTP request's span is attached as a link). Log lines inside
 * carry update_id / user_id / chat_id, and the update is counted and timed.
 */
export function updateTracing(mode: 'polling' | 'webhook') {
  return async (ctx: BotContext, next: NextFunction): Promise<void> => {
    const started = performance.now();
    const type = updateTypeOf(ctx.update);
    const parent = trace.getActiveSpan()?.spanContext();
    const links: Link[] = parent ? [{ context: parent }] : [];
    const span = getTracer().startSpan(`${SPAN_BOT_UPDATE} ${type}`, {
      kind: SpanKind.CONSUMER,
      // A root even under the webhook's HTTP span (linked instead); with no span active there is
      // nothing to detach, and detaching copies the context.
      ...(parent ? { root: true } : {}),
      links,
      attributes: { ...updateAttributes(ctx.update), [ATTR_BOT_MODE]: mode },
    });
    const fields = {
      [LOG_UPDATE_ID]: ctx.update.update_id,
      [LOG_USER_ID]: ctx.from?.id,
      [LOG_CHAT_ID]: ctx.chat?.id,
    };
    try {
      await context.with(trace.setSpan(context.active(), span), () => withLogContext(fields, next));
    } finally {
      const outcome = ctx.state.duplicate ? 'duplicate' : ctx.state.errorCode ? 'error' : 'ok';
      const feature = ctx.state.feature ?? 'none';
      try {
        span.setAttribute(ATTR_BOT_FEATURE, feature);
        if (ctx.state.duplicate) span.setAttribute(ATTR_BOT_UPDATE_DUPLICATE, true);
        span.end();
        const seconds = (performance.now() - started) / 1000;
        ctx.deps.metrics.updates.add(1, `${type} ${outcome}`, () => ({
          [ATTR_TELEGRAM_UPDATE_TYPE]: type,
          [ATTR_OUTCOME]: outcome,
        }));
        ctx.deps.metrics.updateDuration.record(seconds, {
          [ATTR_TELEGRAM_UPDATE_TYPE]: type,
          [ATTR_OUTCOME]: outcome,
          [ATTR_BOT_FEATURE]: feature,
          ...(ctx.state.errorCode ? { [ATTR_ERROR_TYPE]: ctx.state.errorCode } : {}),
        });
      } catch {
        // Telemetry never fails an update.
      }
    }
  };
}

import type { I18n } from '@grammyjs/i18n';
import { trace } from '@opentelemetry/api';
import type { BotError } from 'grammy';
import { AppError } from '../../errors/app-error.ts';
import { type ClassifiedError, classifyError, isInfrastructureFailure } from '../../errors/classify-error.ts';
import { errorRefFor } from '../../errors/error-ref.ts';
import type { Language } from '../../services/user.service.ts';
import {
  ATTR_BOT_ERROR_REF,
  ATTR_BOT_FEATURE,
  ATTR_ERROR_TYPE,
  LOG_ERROR_CODE,
  LOG_ERROR_REF,
} from '../../telemetry/attributes.ts';
import { markSpanError } from '../../telemetry/tracing.ts';
import { cutText } from '../../text/cut-text.ts';
import type { BotContext, BotDeps } from '../context.ts';
import { escapeHtml } from '../escape-html.ts';
import { type ErrorRefFormat, formatErrorRef } from '../format-error-ref.ts';
import { languageOf } from '../i18n.ts';

/** Telegram shows 0-200 characters of a callback answer and refuses more (MESSAGE_TOO_LONG). */
const CALLBACK_ANSWER_LIMIT = 200;

/** The one error handler: bot.catch, every error boundary and the webhook server all call it. */
export type ErrorHandler = (error: BotError<BotContext>) => Promise<void>;

/**
 * Records the failure on the update's span (status, exception event, error.type, bot.error.ref),
 * logs it once at the level its class deserves, marks users who blocked the bot, and tells the
 * user in their language with the error reference, unless the update will be handled again. It
 * never throws.
 */
export function createErrorHandler(deps: BotDeps, i18n: I18n<BotContext>): ErrorHandler {
  return async (botError) => {
    try {
      const ctx = botError.ctx;
      const classified = classifyError(botError);
      const span = trace.getActiveSpan();
      const ref = errorRefFor(span);
      if (ctx.state) ctx.state.errorCode = classified.code;
      if (span) markSpanError(span, classified.error, classified.code, { [ATTR_BOT_ERROR_REF]: ref });
      deps.metrics.errors.add(1, {
        [ATTR_ERROR_TYPE]: classified.code,
        [ATTR_BOT_FEATURE]: ctx.state?.feature ?? 'none',
      });
      // The update will be handled again (the inbox keeps it): one reply, from the attempt that
      // succeeds or from the last one, rather than an error now and a success a minute later.
      const claim = ctx.state?.claim;
      if (claim && !claim.final && isInfrastructureFailure(classified.error)) {
        ctx.state.retryLater = classified.code;
        deps.logger.warn(`Update failed, will be retried: ${classified.code}`, {
          ...classified.details,
          [LOG_ERROR_CODE]: classified.code,
          [LOG_ERROR_REF]: ref,
          attempt: claim.attempt,
          err: classified.error,
        });
        return;
      }
      deps.logger.log(classified.level, `Update failed: ${classified.code}`, {
        ...classified.details,
        [LOG_ERROR_CODE]: classified.code,
        [LOG_ERROR_REF]: ref,
        ...(classified.level === 'error' ? { err: classified.error } : {}),
      });
      if (classified.code === 'telegram.blocked') {
        const id = ctx.chat?.id ?? ctx.from?.id;
        if (id !== undefined && id > 0) await deps.users.markBlocked(id);
        return;
      }
      if (classified.userMessageKey) await tellUser(ctx, deps, i18n, classified, ref);
    } catch (handlerError) {
      try {
        deps.logger.error('Error handler failed', { err: handlerError });
      } catch {
        // Nothing left to do: the handler must never throw or stop polling.
      }
    }
  };
}

async function tellUser(
  ctx: BotContext,
  deps: BotDeps,
  i18n: I18n<BotContext>,
  classified: ClassifiedError,
  ref: string,
): Promise<void> {
  const lang: Language = languageOf(ctx, deps.config.defaultLanguage);
  const key = classified.userMessageKey ?? 'error-generic';
  // A plain input mistake (too long, empty, not enough credits…) says what to fix; a reference would
  // only suggest that something broke.
  const mistake = classified.error instanceof AppError && classified.error.expected;
  const say = (args: Readonly<Record<string, string | number>>, format: ErrorRefFormat) =>
    mistake
      ? i18n.t(lang, key, args)
      : `${i18n.t(lang, key, args)}\n\n${i18n.t(lang, 'error-reference', { ref: formatErrorRef(ref, format) })}`;
  try {
    if (ctx.callbackQuery) {
      try {
        // An alert shows plain text only.
        const alert = say(classified.userMessageArgs, 'plain');
        await ctx.answerCallbackQuery({ text: cutText(alert, CALLBACK_ANSWER_LIMIT), show_alert: true });
        return;
      } catch {
        // Already answered, or too old: fall back to a message.
      }
    }
    if (!ctx.chat) return;
    // Mistakes are plain text (usage lines show `<telegram id>`). The rest is HTML, so the reference is
    // one tap to copy; the arguments may hold user text, so they are escaped.
    if (mistake) {
      await ctx.api.sendMessage(ctx.chat.id, say(classified.userMessageArgs, 'plain'));
      return;
    }
    const escaped = Object.fromEntries(
      Object.entries(classified.userMessageArgs).map(([k, v]) => [
        k,
        typeof v === 'string' ? escapeHtml(v) : v,
      ]),
    );
    await ctx.api.sendMessage(ctx.chat.id, say(escaped, 'html'), {
      parse_mode: 'HTML',
    });
  } catch (replyError) {
    deps.logger.warn('Could not tell the user about an error', { err: replyError, [LOG_ERROR_REF]: ref });
  }
}

import { trace } from '@opentelemetry/api';
import type { NextFunction } from 'grammy';
import { classifyError } from '../../errors/classify-error.ts';
import type { UpdateClaim } from '../../services/updates/update-inbox.ts';
import { markSpanError } from '../../telemetry/tracing.ts';
import type { BotContext } from '../context.ts';
import { lateAnswerTransformer } from '../transformers/late-answer.ts';
import type { UpdateOutcomes } from '../update-outcomes.ts';

/**
 * Handles each update_id to completion once, at least once. The id is claimed in the database
 * before any feature runs (shared by every instance, the update's JSON kept with it); the claim is
 * completed only after the handler finished. When the handler failed on an infrastructure error
 * (the error handler then leaves the user alone and sets `state.retryLater`), the update is given
 * back for another attempt: Telegram's redelivery (webhook: answered 5xx) or the retry sweep, with
 * a backoff, for a bounded number of attempts. A crash leaves the claim to expire, and the sweep
 * (or this instance's next start) runs the update again.
 *
 * Mounted outside the feature error boundary: if the claim itself fails (the database is down),
 * the error reaches bot.catch in polling mode and the webhook server, which answers 5xx.
 */
export function dedupe(outcomes: UpdateOutcomes) {
  return async (ctx: BotContext, next: NextFunction): Promise<void> => {
    let claim: UpdateClaim | undefined;
    try {
      claim = await ctx.deps.inbox.claim(ctx.me.id, ctx.update);
    } catch (error) {
      // On the update's span here; the caller (bot.catch, the webhook server) decides the rest.
      const code = classifyError(error).code;
      ctx.state.errorCode = code;
      const span = trace.getActiveSpan();
      if (span) markSpanError(span, error, code);
      throw error;
    }
    if (!claim) {
      ctx.state.duplicate = true;
      ctx.deps.logger.info('Duplicate update skipped');
      return;
    }
    ctx.state.claim = claim;
    if (claim.attempt > 1) {
      ctx.api.config.use(lateAnswerTransformer);
      ctx.deps.logger.info('Handling an update again', { attempt: claim.attempt });
    }
    await next();
    const logger = ctx.deps.logger;
    try {
      if (ctx.state.retryLater) {
        outcomes.record(ctx.update, 'retry');
        await ctx.deps.inbox.retryLater(claim, ctx.state.retryLater);
      } else {
        await ctx.deps.inbox.complete(claim, ctx.state.errorCode);
      }
    } catch (error) {
      // The claim stays as it was and expires: the update runs again then, which every handler
      // with side effects tolerates (README, De-duplication).
      logger.error('Could not record how an update ended', { err: error });
    }
  };
}

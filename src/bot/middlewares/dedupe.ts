import type { NextFunction } from 'grammy';
import type { BotContext } from '../context.ts';

/**
 * Handles each update_id once. Telegram redelivers webhooks until it gets a 2xx and polling is
 * at-least-once, so the id is claimed in the database before any feature runs (shared by every
 * instance). A crash mid-handler therefore drops that update rather than running it twice.
 */
export async function dedupe(ctx: BotContext, next: NextFunction): Promise<void> {
  const fresh = await ctx.deps.claimUpdate(ctx.me.id, ctx.update.update_id);
  if (!fresh) {
    ctx.state.duplicate = true;
    ctx.deps.logger.info('Duplicate update skipped');
    return;
  }
  await next();
}

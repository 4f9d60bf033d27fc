import type { NextFunction } from 'grammy';
import type { BotContext } from '../context.ts';

/**
 * Loads the sender (creating them on first contact, refreshing last_seen and Telegram's language_code,
 * which workers read to speak the user's language) before features run.
 */
export async function loadUser(ctx: BotContext, next: NextFunction): Promise<void> {
  if (ctx.from && !ctx.from.is_bot)
    ctx.user = await ctx.deps.users.touch(ctx.from.id, ctx.from.language_code);
  await next();
}

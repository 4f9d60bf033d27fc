import type { NextFunction } from 'grammy';
import type { BotContext } from '../context.ts';

/** Loads the sender (creating them on first contact, refreshing last_seen) before features run. */
export async function loadUser(ctx: BotContext, next: NextFunction): Promise<void> {
  if (ctx.from && !ctx.from.is_bot) ctx.user = await ctx.deps.users.touch(ctx.from.id);
  await next();
}

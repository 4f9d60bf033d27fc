import type { BotContext } from '../../context.ts';

/** True for senders listed in ADMIN_IDS. */
export function isAdmin(ctx: BotContext): boolean {
  return ctx.from !== undefined && ctx.deps.config.adminIds.includes(ctx.from.id);
}

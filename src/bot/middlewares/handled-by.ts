import type { NextFunction } from 'grammy';
import type { BotContext } from '../context.ts';

/** Marks the update as handled by a feature, for the `bot.feature` span attribute and metrics. */
export function handledBy(feature: string) {
  return (ctx: BotContext, next: NextFunction) => {
    ctx.state.feature = feature;
    return next();
  };
}

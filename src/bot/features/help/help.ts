import { Composer, InlineKeyboard } from 'grammy';
import type { BotContext } from '../../context.ts';
import { MENU } from '../../keyboards/main-menu.ts';
import { handledBy } from '../../middlewares/handled-by.ts';

const composer = new Composer<BotContext>();

composer.command('help', handledBy('help'), async (ctx) => {
  await ctx.reply(ctx.t('help-text'), { parse_mode: 'HTML' });
});

composer.callbackQuery(MENU.help, handledBy('help'), async (ctx) => {
  await ctx.answerCallbackQuery();
  await ctx.editMessageText(ctx.t('help-text'), {
    parse_mode: 'HTML',
    reply_markup: new InlineKeyboard().text(ctx.t('menu-back'), MENU.main),
  });
});

/** /help and the menu's Help button. */
export const helpFeature = composer;

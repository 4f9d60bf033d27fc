import { Composer } from 'grammy';
import type { BotContext } from '../context.ts';
import { MENU, mainMenuKeyboard } from '../keyboards/main-menu.ts';
import { handledBy } from '../middlewares/handled-by.ts';

const composer = new Composer<BotContext>();

composer.command('start', handledBy('start'), async (ctx) => {
  await ctx.reply(ctx.t('start-greeting', { name: ctx.from?.first_name ?? '' }), {
    reply_markup: mainMenuKeyboard(ctx),
  });
});

// "Back" from a submenu: the same message turns into the main menu again.
composer.callbackQuery(MENU.main, handledBy('start'), async (ctx) => {
  await ctx.answerCallbackQuery();
  await ctx.editMessageText(ctx.t('start-greeting', { name: ctx.from.first_name }), {
    reply_markup: mainMenuKeyboard(ctx),
  });
});

/** /start and the main menu. */
export const startFeature = composer;

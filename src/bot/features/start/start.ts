import { Composer } from 'grammy';
import type { BotContext } from '../../context.ts';
import { MENU, mainMenuKeyboard } from '../../keyboards/main-menu.ts';
import { handledBy } from '../../middlewares/handled-by.ts';
import { isAfterGeneration } from '../generate/after-generation-keyboard.ts';

const composer = new Composer<BotContext>();

composer.command('start', handledBy('start'), async (ctx) => {
  await ctx.reply(ctx.t('start-greeting', { name: ctx.from?.first_name ?? '' }), {
    reply_markup: mainMenuKeyboard(ctx),
  });
});

// "Back" from a submenu: the same message turns into the main menu again. Menu under a finished
// generation sends the menu as a new message instead, so the status and its Again stay in the chat.
composer.callbackQuery(MENU.main, handledBy('start'), async (ctx) => {
  await ctx.answerCallbackQuery();
  const text = ctx.t('start-greeting', { name: ctx.from.first_name });
  const reply_markup = mainMenuKeyboard(ctx);
  if (isAfterGeneration(ctx.callbackQuery.message)) await ctx.reply(text, { reply_markup });
  else await ctx.editMessageText(text, { reply_markup });
});

/** /start and the main menu. */
export const startFeature = composer;

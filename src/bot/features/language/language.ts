import { Composer } from 'grammy';
import { isLanguage } from '../../../services/user.service.ts';
import type { BotContext } from '../../context.ts';
import { MENU, mainMenuKeyboard } from '../../keyboards/main-menu.ts';
import { handledBy } from '../../middlewares/handled-by.ts';
import { LANGUAGE_ACTION, languageKeyboard } from './language-keyboard.ts';

const composer = new Composer<BotContext>();

composer.command('language', handledBy('language'), async (ctx) => {
  await ctx.reply(ctx.t('language-prompt'), { reply_markup: languageKeyboard(ctx) });
});

composer.callbackQuery(MENU.language, handledBy('language'), async (ctx) => {
  await ctx.answerCallbackQuery();
  await ctx.editMessageText(ctx.t('language-prompt'), {
    reply_markup: languageKeyboard(ctx).row().text(ctx.t('menu-back'), MENU.main),
  });
});

composer.callbackQuery(new RegExp(`^${LANGUAGE_ACTION}:(.+)$`), handledBy('language'), async (ctx) => {
  const lang = ctx.match[1];
  if (!isLanguage(lang) || !ctx.user) {
    await ctx.answerCallbackQuery({ text: ctx.t('button-expired') });
    return;
  }
  await ctx.deps.users.setLanguage(ctx.user.id, lang);
  ctx.user = { ...ctx.user, language: lang };
  ctx.i18n.useLocale(lang);
  await ctx.answerCallbackQuery({ text: ctx.t('language-changed') });
  // Straight back to the main menu, already in the new language: no extra Back tap.
  await ctx.editMessageText(
    `${ctx.t('language-changed')}\n\n${ctx.t('start-greeting', { name: ctx.from.first_name })}`,
    { reply_markup: mainMenuKeyboard(ctx) },
  );
});

/** /language: pick ru or en, remembered per user. */
export const languageFeature = composer;

import { InlineKeyboard } from 'grammy';
import type { BotContext, TopUpPack } from '../context.ts';
import { languageOf } from '../i18n.ts';
import { MENU } from './main-menu.ts';

/** Callback data prefix of a pack button: `topup:<pack id>`. */
export const TOP_UP_ACTION = 'topup';

/** One button per Stars pack, then Back. */
export function topUpKeyboard(ctx: BotContext, packs: readonly TopUpPack[]): InlineKeyboard {
  const lang = languageOf(ctx, ctx.deps.config.defaultLanguage);
  const keyboard = new InlineKeyboard();
  for (const pack of packs) {
    keyboard
      .text(
        ctx.t('topup-pack-button', { title: pack.title[lang], credits: pack.credits, stars: pack.stars }),
        `${TOP_UP_ACTION}:${pack.id}`,
      )
      .row();
  }
  return keyboard.text(ctx.t('menu-back'), MENU.main);
}

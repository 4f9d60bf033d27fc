import { InlineKeyboard } from 'grammy';
import type { BotContext } from '../context.ts';

/** Callback data of the main menu's buttons (`<action>:<argument>`). */
export const MENU = {
  main: 'menu:main',
  generate: 'menu:generate',
  protocol: 'menu:protocol',
  balance: 'menu:balance',
  help: 'menu:help',
  language: 'menu:language',
} as const;

/** The main menu shown by /start. */
export function mainMenuKeyboard(ctx: BotContext): InlineKeyboard {
  return new InlineKeyboard()
    .text(ctx.t('menu-generate'), MENU.generate)
    .row()
    .text(ctx.t('menu-protocol'), MENU.protocol)
    .row()
    .text(ctx.t('menu-balance'), MENU.balance)
    .row()
    .text(ctx.t('menu-help'), MENU.help)
    .text(ctx.t('menu-language'), MENU.language);
}

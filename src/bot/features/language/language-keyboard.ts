import { InlineKeyboard } from 'grammy';
import { LANGUAGES } from '../../../services/user.service.ts';
import type { BotContext } from '../../context.ts';
import { LANGUAGE_NAME_KEY } from '../../message-keys.ts';

/** Callback data prefix of the language buttons: `lang:<code>`. */
export const LANGUAGE_ACTION = 'lang';

/** One button per supported language, each labelled in its own language. */
export function languageKeyboard(ctx: BotContext): InlineKeyboard {
  const keyboard = new InlineKeyboard();
  for (const lang of LANGUAGES) keyboard.text(ctx.t(LANGUAGE_NAME_KEY[lang]), `${LANGUAGE_ACTION}:${lang}`);
  return keyboard;
}

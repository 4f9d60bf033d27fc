import type { I18n } from '@grammyjs/i18n';
import type { Bot } from 'grammy';
import { LANGUAGES, type Language } from '../services/user.service.ts';
import type { BotContext } from './context.ts';
import { KNOWN_COMMANDS } from './middlewares/update-attributes.ts';

/** Registers the command menu Telegram shows next to the input field, in every language we speak. */
export async function setBotCommands(
  bot: Bot<BotContext>,
  i18n: I18n<BotContext>,
  fallback: Language,
): Promise<void> {
  const commands = (lang: Language) =>
    [...KNOWN_COMMANDS].map((command) => ({ command, description: i18n.t(lang, `command-${command}`) }));
  for (const lang of LANGUAGES) await bot.api.setMyCommands(commands(lang), { language_code: lang });
  // Users whose Telegram language is neither get the default language's descriptions.
  await bot.api.setMyCommands(commands(fallback));
}

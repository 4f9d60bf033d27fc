import type { I18n } from '@grammyjs/i18n';
import type { Bot } from 'grammy';
import type { Logger } from '../logger.ts';
import { LANGUAGES, type Language } from '../services/user.service.ts';
import type { BotContext } from './context.ts';
import { COMMAND_KEY } from './message-keys.ts';
import { ADMIN_COMMANDS, KNOWN_COMMANDS } from './middlewares/update-attributes.ts';

/** Registers the command menu Telegram shows next to the input field, in every language we speak. */
export async function setBotCommands(
  bot: Bot<BotContext>,
  i18n: I18n<BotContext>,
  fallback: Language,
): Promise<void> {
  const commands = (lang: Language) => menu(i18n, lang, KNOWN_COMMANDS);
  for (const lang of LANGUAGES) await bot.api.setMyCommands(commands(lang), { language_code: lang });
  // Users whose Telegram language is neither get the default language's descriptions.
  await bot.api.setMyCommands(commands(fallback));
}

/**
 * Gives each admin's private chat a menu with the admin commands too (scope `chat` wins over the
 * default scope), so nobody else ever sees them. Telegram refuses the scope for a chat the admin
 * has not opened yet; that admin is skipped with a warning and still can type /admin.
 */
export async function setAdminCommands(
  bot: Bot<BotContext>,
  i18n: I18n<BotContext>,
  fallback: Language,
  adminIds: readonly number[],
  logger: Logger,
): Promise<void> {
  const commands = (lang: Language) => menu(i18n, lang, new Set([...KNOWN_COMMANDS, ...ADMIN_COMMANDS]));
  for (const adminId of adminIds) {
    const scope = { type: 'chat', chat_id: adminId } as const;
    try {
      for (const lang of LANGUAGES) {
        await bot.api.setMyCommands(commands(lang), { scope, language_code: lang });
      }
      await bot.api.setMyCommands(commands(fallback), { scope });
    } catch (error) {
      logger.warn('Could not register the admin command menu', { admin_id: adminId, err: error });
    }
  }
}

function menu(i18n: I18n<BotContext>, lang: Language, names: ReadonlySet<string>) {
  return [...names].map((command) => ({
    command,
    description: i18n.t(lang, COMMAND_KEY[command] ?? 'command-help'),
  }));
}

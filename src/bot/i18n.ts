import { fileURLToPath } from 'node:url';
import { I18n } from '@grammyjs/i18n';
import { isLanguage, type Language } from '../services/user.service.ts';
import type { BotContext } from './context.ts';

/** Folder of the Fluent files (`en.ftl`, `ru.ftl`). */
export const LOCALES_DIR = fileURLToPath(new URL('../../locales', import.meta.url));

/** Maps Telegram's language_code (e.g. `ru-RU`, `uk`) to a language we speak, if any. */
export function languageFromTelegram(code: string | undefined): Language | undefined {
  const base = code?.toLowerCase().split('-')[0];
  return isLanguage(base) ? base : undefined;
}

/** The user's language: their choice, else Telegram's language_code, else the configured default. */
export function languageOf(ctx: Pick<BotContext, 'user' | 'from'>, fallback: Language): Language {
  return ctx.user?.language ?? languageFromTelegram(ctx.from?.language_code) ?? fallback;
}

/** Fluent translations; the locale comes from the user record, never from a session. */
export function createI18n(defaultLanguage: Language): I18n<BotContext> {
  return new I18n<BotContext>({
    defaultLocale: defaultLanguage,
    directory: LOCALES_DIR,
    // Without this Fluent wraps variables in Unicode isolation marks, which Telegram shows as-is.
    fluentBundleOptions: { useIsolating: false },
    localeNegotiator: (ctx) => languageOf(ctx, defaultLanguage),
  });
}

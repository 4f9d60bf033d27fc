import { fileURLToPath } from 'node:url';
import { I18n } from '@grammyjs/i18n';
import type { Language } from '../services/user.service.ts';
import { userLanguage } from '../services/user-language.ts';
import type { BotContext } from './context.ts';

export { languageFromTelegram } from '../services/user-language.ts';

/** Folder of the Fluent files, one `<language>.ftl` per entry of LANGUAGES (src/i18n/languages.ts). */
export const LOCALES_DIR = fileURLToPath(new URL('../../locales', import.meta.url));

/**
 * The sender's language by the one rule (userLanguage): their choice, else Telegram's language_code,
 * else the default. The update's own language_code wins over the stored one (it is the newest), and
 * stands in when the user could not be loaded.
 */
export function languageOf(ctx: Pick<BotContext, 'user' | 'from'>, fallback: Language): Language {
  const telegramLanguage = ctx.from?.language_code ?? ctx.user?.telegramLanguage;
  return userLanguage({ language: ctx.user?.language, telegramLanguage }, fallback);
}

/** Fluent translations; the locale comes from the user record, never from a session. */
export function createI18n(defaultLanguage: Language): I18n<BotContext> {
  const i18n = new I18n<BotContext>({
    defaultLocale: defaultLanguage,
    directory: LOCALES_DIR,
    // Without this Fluent wraps variables in Unicode isolation marks, which Telegram shows as-is.
    fluentBundleOptions: { useIsolating: false },
    localeNegotiator: (ctx) => languageOf(ctx, defaultLanguage),
  });
  memoiseBundleMatching(i18n.fluent);
  return i18n;
}

/** The part of @grammyjs/i18n's Fluent class the memo replaces (a private method in its types). */
interface BundleMatching {
  readonly bundles: ReadonlySet<unknown>;
  matchBundles(locales: readonly string[]): Set<unknown>;
}

/**
 * Every `ctx.t` re-runs Fluent's language negotiation over all bundles (six times for one /start:
 * about 5 % of the bot's CPU per update in npm run bench's profile). The answer depends only on the
 * requested locales and the loaded bundles, so it is kept per locale list and bundle count (a
 * bundle added later changes the key). Left alone if the library ever stops having the method.
 */
function memoiseBundleMatching(fluent: unknown): void {
  const target = fluent as Partial<BundleMatching>;
  if (typeof target.matchBundles !== 'function' || !(target.bundles instanceof Set)) return;
  const match = target.matchBundles.bind(fluent);
  const bundles = target.bundles;
  const memo = new Map<string, Set<unknown>>();
  target.matchBundles = (locales) => {
    const key = `${bundles.size} ${locales.join(' ')}`;
    let matched = memo.get(key);
    if (!matched) {
      matched = match(locales);
      memo.set(key, matched);
    }
    return matched;
  };
}

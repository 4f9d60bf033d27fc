/**
 * The languages the bot speaks, in the order menus list them. Each needs `locales/<code>.ftl` (checked by
 * test/bot/locales.test.ts) and a text per language wherever the catalog names something.
 */
export const LANGUAGES = ['en', 'ru'] as const;
export type Language = (typeof LANGUAGES)[number];

export function isLanguage(value: unknown): value is Language {
  return typeof value === 'string' && (LANGUAGES as readonly string[]).includes(value);
}

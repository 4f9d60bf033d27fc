import { isLanguage, type Language, type User, type UserService } from './user.service.ts';

/** Maps Telegram's language_code (e.g. `ru-RU`, `uk`) to a language we speak, if any. */
export function languageFromTelegram(code: string | undefined): Language | undefined {
  const base = code?.toLowerCase().split('-')[0];
  return isLanguage(base) ? base : undefined;
}

/**
 * The one rule for the language of anything the bot says to a user, from an update or a worker: the
 * language they picked, else their Telegram language_code (stored at first contact, refreshed when
 * they write), else the configured default.
 */
export function userLanguage(
  user: Pick<User, 'language' | 'telegramLanguage'> | undefined,
  fallback: Language,
): Language {
  return user?.language ?? languageFromTelegram(user?.telegramLanguage) ?? fallback;
}

/** userLanguage of a user read by id, for workers; a failed read falls back rather than staying silent. */
export async function languageOfUser(
  users: Pick<UserService, 'get'>,
  userId: number,
  fallback: Language,
): Promise<Language> {
  return userLanguage(await users.get(userId).catch(() => undefined), fallback);
}

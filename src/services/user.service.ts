import type { Kysely } from 'kysely';
import {
  findUserById,
  markUserBlocked,
  updateUserLanguage,
  upsertSeenUser,
} from '../db/repositories/user.repository.ts';
import type { Database } from '../db/schema.ts';
import type { UserRow } from '../db/tables/users.table.ts';
import { isLanguage, type Language } from '../i18n/languages.ts';

// Defined once in src/i18n/languages.ts (config and the catalog read it too); re-exported for existing imports.
export { isLanguage, LANGUAGES, type Language } from '../i18n/languages.ts';

/** A Telegram user as the bot sees them. */
export interface User {
  readonly id: number;
  /** The language the user picked, if any. */
  readonly language: Language | undefined;
  /** Telegram's language_code as last sent (any code, e.g. `pt-BR`), if Telegram ever sent one. */
  readonly telegramLanguage: string | undefined;
  readonly firstSeenAt: Date;
  readonly lastSeenAt: Date;
  readonly blocked: boolean;
}

function toUser(row: UserRow): User {
  return {
    id: row.id,
    language: isLanguage(row.language) ? row.language : undefined,
    telegramLanguage: row.telegram_language ?? undefined,
    firstSeenAt: row.first_seen_at,
    lastSeenAt: row.last_seen_at,
    blocked: row.blocked_at !== null,
  };
}

/** Users: first/last seen, language, blocked flag. */
export interface UserService {
  /** Records that the user was seen now (with Telegram's language_code, when the update has one) and returns them. */
  touch(id: number, telegramLanguage?: string): Promise<User>;
  get(id: number): Promise<User | undefined>;
  setLanguage(id: number, language: Language): Promise<void>;
  markBlocked(id: number): Promise<void>;
}

export function createUserService(db: Kysely<Database>, now: () => Date = () => new Date()): UserService {
  return {
    touch: async (id, telegramLanguage) => toUser(await upsertSeenUser(db, id, now(), telegramLanguage)),
    get: async (id) => {
      const row = await findUserById(db, id);
      return row && toUser(row);
    },
    setLanguage: (id, language) => updateUserLanguage(db, id, language),
    markBlocked: (id) => markUserBlocked(db, id, now()),
  };
}

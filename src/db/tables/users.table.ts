import type { ColumnType, Insertable, Selectable, Updateable } from 'kysely';

/** One row per Telegram user who ever wrote to the bot. */
export interface UsersTable {
  /** Telegram user id (fits in 53 bits, read back as number). */
  id: ColumnType<number, number, never>;
  /** Chosen interface language; null until the user picks one (then Telegram's language_code is used). */
  language: string | null;
  /** Telegram's language_code (e.g. `ru`, `pt-BR`) as last sent; what workers use until `language` is set. */
  telegram_language: ColumnType<string | null, string | null | undefined, string | null>;
  first_seen_at: ColumnType<Date, Date | string | undefined, never>;
  last_seen_at: ColumnType<Date, Date | string | undefined, Date | string>;
  /** Set when Telegram answered 403 "bot was blocked by the user"; cleared when they write again. */
  blocked_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
}

export type UserRow = Selectable<UsersTable>;
export type NewUserRow = Insertable<UsersTable>;
export type UserUpdate = Updateable<UsersTable>;

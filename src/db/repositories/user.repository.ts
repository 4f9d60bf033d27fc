import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../schema.ts';
import type { UserRow } from '../tables/users.table.ts';

type Db = Kysely<Database> | Transaction<Database>;

/**
 * Inserts the user or refreshes last_seen_at; a user who writes again is no longer blocked. Telegram's
 * language_code is stored when the update carries one (it is optional), else the stored one is kept.
 */
export async function upsertSeenUser(
  db: Db,
  id: number,
  now: Date,
  telegramLanguage?: string,
): Promise<UserRow> {
  return db
    .insertInto('users')
    .values({ id, first_seen_at: now, last_seen_at: now, telegram_language: telegramLanguage ?? null })
    .onConflict((oc) =>
      oc.column('id').doUpdateSet({
        last_seen_at: now,
        blocked_at: null,
        ...(telegramLanguage !== undefined && { telegram_language: telegramLanguage }),
      }),
    )
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** Reads one user by Telegram id. */
export async function findUserById(db: Db, id: number): Promise<UserRow | undefined> {
  return db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
}

/** Stores the user's chosen language. */
export async function updateUserLanguage(db: Db, id: number, language: string): Promise<void> {
  await db.updateTable('users').set({ language }).where('id', '=', id).execute();
}

/** Marks the user as having blocked the bot (only the first time, keeping the original moment). */
export async function markUserBlocked(db: Db, id: number, at: Date): Promise<void> {
  await db
    .updateTable('users')
    .set({ blocked_at: at })
    .where('id', '=', id)
    .where('blocked_at', 'is', null)
    .execute();
}

/** Locks a user's row until the transaction ends (serialises that user's starts, across instances). */
export async function lockUser(db: Db, id: number): Promise<void> {
  await db.selectFrom('users').select('id').where('id', '=', id).forUpdate().execute();
}

import { type Kysely, sql, type Transaction } from 'kysely';
import { preparedQuery } from '../prepared-query.ts';
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
  const { rows } = await upsertSeenStatement(db, { id, now, telegramLanguage: telegramLanguage ?? null });
  const row = rows[0];
  if (!row) throw new Error(`upsert of user ${id} returned no row`);
  return row;
}

// Per update, so compiled once (src/db/prepared-query.ts): one SQL text whether or not the update
// carries a language_code (excluded is the inserted row; null there keeps the stored language).
const upsertSeenStatement = preparedQuery(
  (db, p: { id: number; now: Date; telegramLanguage: string | null }) =>
    db
      .insertInto('users')
      .values({ id: p.id, first_seen_at: p.now, last_seen_at: p.now, telegram_language: p.telegramLanguage })
      .onConflict((oc) =>
        oc.column('id').doUpdateSet({
          last_seen_at: p.now,
          blocked_at: null,
          telegram_language: sql<
            string | null
          >`coalesce(excluded.telegram_language, users.telegram_language)`,
        }),
      )
      .returningAll(),
);

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

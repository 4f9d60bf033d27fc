import type { Kysely } from 'kysely';

/**
 * Telegram's language_code as the user last sent it. Workers (status messages, deliveries, notices)
 * have no update to read it from, so without it a user who never picked a language would get menus
 * in their Telegram language but the worker's messages in the default one.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('users').addColumn('telegram_language', 'text').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('users').dropColumn('telegram_language').execute();
}

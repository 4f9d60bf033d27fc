import { type Kysely, sql } from 'kysely';

/**
 * Telegram clients send a paste over 4096 characters as several messages. Each message of a text is
 * a row of protocol_paste_parts, so the parts of one paste make one job (one quote, one price) even
 * when they are handled out of order, twice (a retried update) or after a restart.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('protocol_jobs')
    // The quote message, edited in place as parts arrive.
    .addColumn('quote_message_id', 'bigint')
    .addColumn('part_count', 'integer', (c) => c.notNull().defaultTo(1))
    // The Telegram date of the latest part: the next part joins only within PASTE_MERGE_MS of it.
    .addColumn('last_part_at', 'timestamptz')
    // The joined text went over PROTOCOL_MAX_CHARS: answered once, later parts are swallowed.
    .addColumn('too_long', 'boolean', (c) => c.notNull().defaultTo(false))
    .execute();
  await db.schema
    .createTable('protocol_paste_parts')
    .addColumn('job_id', 'text', (c) => c.notNull().references('protocol_jobs.id').onDelete('cascade'))
    .addColumn('chat_id', 'bigint', (c) => c.notNull())
    .addColumn('message_id', 'bigint', (c) => c.notNull())
    .addColumn('sent_at', 'timestamptz', (c) => c.notNull())
    .addColumn('chars', 'integer', (c) => c.notNull())
    // Cleared with the job's input_text (confirmed, cancelled, too long): the text is kept no longer.
    .addColumn('text', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('protocol_paste_parts_pk', ['job_id', 'message_id'])
    .execute();
  // A message is a part of one job at most: a retried update finds its part instead of adding it again.
  await db.schema
    .createIndex('protocol_paste_parts_message_idx')
    .on('protocol_paste_parts')
    .columns(['chat_id', 'message_id'])
    .unique()
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('protocol_paste_parts').execute();
  await db.schema
    .alterTable('protocol_jobs')
    .dropColumn('quote_message_id')
    .dropColumn('part_count')
    .dropColumn('last_part_at')
    .dropColumn('too_long')
    .execute();
}

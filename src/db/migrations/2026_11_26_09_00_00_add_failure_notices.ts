import { type Kysely, sql } from 'kysely';

/**
 * Paid work that ended badly owes its user a message (why, the refund, the error reference). The
 * obligation is written with the refund, in the same transaction, and cleared once Telegram took the
 * message: a crash or a Telegram outage in between leaves it for a worker to retry, so nobody is
 * refunded in silence. Rows that ended before this migration were told at the time.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('generations')
    .addColumn('notice_pending', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('notice_attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  // The worker's claim looks for owed notices by due time; they are few, so the index is partial.
  await db.schema
    .createIndex('generations_notice_due_idx')
    .on('generations')
    .column('next_run_at')
    .where(sql.ref('notice_pending'), '=', true)
    .execute();

  // A protocol's notice depends on the error (its message key and arguments), so it is stored whole.
  await db.schema
    .alterTable('protocol_jobs')
    .addColumn('notice', 'jsonb')
    .addColumn('notice_attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('notice_due_at', 'timestamptz')
    .execute();
  await db.schema
    .createIndex('protocol_jobs_notice_due_idx')
    .on('protocol_jobs')
    .column('notice_due_at')
    .where(sql.ref('notice'), 'is not', null)
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('protocol_jobs_notice_due_idx').execute();
  await db.schema
    .alterTable('protocol_jobs')
    .dropColumn('notice')
    .dropColumn('notice_attempts')
    .dropColumn('notice_due_at')
    .execute();
  await db.schema.dropIndex('generations_notice_due_idx').execute();
  await db.schema
    .alterTable('generations')
    .dropColumn('notice_pending')
    .dropColumn('notice_attempts')
    .execute();
}

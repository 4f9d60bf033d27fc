import { type Kysely, sql } from 'kysely';

/**
 * At-least-once updates. A claim used to be final the moment it was written, so a handler that died
 * on a database blip or a crash dropped its update (and a paid top-up with it). Now a claim is
 * `claimed` (leased to one instance, the update's JSON kept) until the handler finished, `retry` after
 * an infrastructure failure (due again at `next_attempt_at`), and `done` once handled. Rows from before
 * this migration were handled: they become `done`.
 *
 * `job_leases` lets one instance at a time run a periodic job (the Stars reconciliation) and spaces
 * the runs across instances.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('processed_updates')
    .addColumn('state', 'text', (c) => c.notNull().defaultTo('done'))
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('claimed_by', 'text')
    .addColumn('lease_until', 'timestamptz')
    .addColumn('next_attempt_at', 'timestamptz')
    .addColumn('payload', 'text')
    .addColumn('last_error', 'text')
    .execute();
  await db.schema
    .alterTable('processed_updates')
    .addCheckConstraint('processed_updates_state', sql`state in ('claimed', 'retry', 'done')`)
    .execute();
  // The retry sweep looks for unfinished rows only; they are few, so the index is partial.
  await db.schema
    .createIndex('processed_updates_unfinished_idx')
    .on('processed_updates')
    .columns(['bot_id', 'next_attempt_at'])
    .where(sql.ref('state'), '<>', 'done')
    .execute();

  await db.schema
    .createTable('job_leases')
    .addColumn('name', 'text', (c) => c.primaryKey())
    .addColumn('locked_by', 'text')
    .addColumn('locked_until', 'timestamptz')
    .addColumn('next_run_at', 'timestamptz', (c) => c.notNull())
    .addColumn('last_run_at', 'timestamptz')
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('job_leases').execute();
  await db.schema.dropIndex('processed_updates_unfinished_idx').execute();
  await db.schema.alterTable('processed_updates').dropConstraint('processed_updates_state').execute();
  await db.schema
    .alterTable('processed_updates')
    .dropColumn('state')
    .dropColumn('attempts')
    .dropColumn('claimed_by')
    .dropColumn('lease_until')
    .dropColumn('next_attempt_at')
    .dropColumn('payload')
    .dropColumn('last_error')
    .execute();
}

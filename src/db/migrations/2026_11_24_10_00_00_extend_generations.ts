import { type Kysely, sql } from 'kysely';

/**
 * What the Telegram flow needs on top of the durable task: which KIE API runs it, dry runs (no
 * charge, so no ledger entry), the status message to edit, the user's source photo, the delivered
 * file for re-sending from /history, and `cancelled` for /cancel before the task started.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('generations')
    .addColumn('api', 'text', (c) => c.notNull().defaultTo('market'))
    .addColumn('dry_run', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('status_message_id', 'bigint')
    .addColumn('source_file_id', 'text')
    .addColumn('result_file_id', 'text')
    .addColumn('result_kind', 'text')
    .addColumn('delivery_attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema
    .alterTable('generations')
    .alterColumn('charge_entry_id', (ac) => ac.dropNotNull())
    .execute();
  await db.schema.alterTable('generations').dropConstraint('generations_status').execute();
  await db.schema.alterTable('generations').dropConstraint('generations_refund_status').execute();
  await db.schema
    .alterTable('generations')
    .addCheckConstraint(
      'generations_status',
      sql`status in ('pending', 'running', 'succeeded', 'failed', 'timed_out', 'delivered', 'refunded', 'cancelled')`,
    )
    .execute();
  // A paid generation ends refunded exactly when it ends badly; a dry run has no ledger entry at all.
  await db.schema
    .alterTable('generations')
    .addCheckConstraint(
      'generations_refund_status',
      sql`(dry_run and charge_entry_id is null and refund_entry_id is null) or (not dry_run and charge_entry_id is not null and (refund_entry_id is not null) = (status in ('failed', 'timed_out', 'refunded', 'cancelled')))`,
    )
    .execute();
  // /history: a user's generations, newest first.
  await db.schema
    .createIndex('generations_user_created_idx')
    .on('generations')
    .columns(['user_id', 'created_at'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('generations_user_created_idx').execute();
  await db.schema.alterTable('generations').dropConstraint('generations_refund_status').execute();
  await db.schema.alterTable('generations').dropConstraint('generations_status').execute();
  await sql`delete from generations where dry_run or status = 'cancelled'`.execute(db);
  await db.schema
    .alterTable('generations')
    .addCheckConstraint(
      'generations_status',
      sql`status in ('pending', 'running', 'succeeded', 'failed', 'timed_out', 'delivered', 'refunded')`,
    )
    .execute();
  await db.schema
    .alterTable('generations')
    .addCheckConstraint(
      'generations_refund_status',
      sql`(refund_entry_id is not null) = (status in ('failed', 'timed_out', 'refunded'))`,
    )
    .execute();
  await db.schema
    .alterTable('generations')
    .alterColumn('charge_entry_id', (ac) => ac.setNotNull())
    .execute();
  await db.schema
    .alterTable('generations')
    .dropColumn('api')
    .dropColumn('dry_run')
    .dropColumn('status_message_id')
    .dropColumn('source_file_id')
    .dropColumn('result_file_id')
    .dropColumn('result_kind')
    .dropColumn('delivery_attempts')
    .execute();
}

import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('generations')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('user_id', 'bigint', (c) => c.notNull().references('users.id'))
    .addColumn('chat_id', 'bigint', (c) => c.notNull())
    .addColumn('model_id', 'text', (c) => c.notNull())
    .addColumn('kie_model', 'text', (c) => c.notNull())
    .addColumn('input', 'jsonb', (c) => c.notNull())
    .addColumn('price', 'integer', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('kie_task_id', 'text')
    // UNIQUE: the same start (idempotency key → one charge) always resolves to one generation.
    .addColumn('charge_entry_id', 'bigint', (c) => c.notNull().unique().references('ledger_entries.id'))
    .addColumn('refund_entry_id', 'bigint', (c) => c.unique().references('ledger_entries.id'))
    .addColumn('traceparent', 'text')
    .addColumn('poll_attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('next_run_at', 'timestamptz', (c) => c.notNull())
    .addColumn('deadline_at', 'timestamptz', (c) => c.notNull())
    .addColumn('result_urls', 'jsonb')
    .addColumn('fail_code', 'text')
    .addColumn('fail_msg', 'text')
    .addColumn('locked_until', 'timestamptz')
    .addColumn('locked_by', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addCheckConstraint(
      'generations_status',
      sql`status in ('pending', 'running', 'succeeded', 'failed', 'timed_out', 'delivered', 'refunded')`,
    )
    // Money invariant in the schema: a refunded generation was never delivered, and the reverse.
    .addCheckConstraint(
      'generations_refund_status',
      sql`(refund_entry_id is not null) = (status in ('failed', 'timed_out', 'refunded'))`,
    )
    .execute();

  // One KIE task belongs to one generation; NULL until createTask answered.
  await db.schema
    .createIndex('generations_kie_task_id_uq')
    .on('generations')
    .column('kie_task_id')
    .unique()
    .where(sql.ref('kie_task_id'), 'is not', null)
    .execute();
  // The worker's claim query: due rows of the two active states.
  await db.schema
    .createIndex('generations_status_next_run_idx')
    .on('generations')
    .columns(['status', 'next_run_at'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('generations').execute();
}

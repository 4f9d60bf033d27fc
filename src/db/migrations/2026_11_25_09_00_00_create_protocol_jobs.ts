import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  // A protocol job from the quote shown to the user to delivery or refund. The input text is kept
  // only while the job can still run (a restart resumes from it) and cleared at the end.
  await db.schema
    .createTable('protocol_jobs')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('user_id', 'bigint', (c) => c.notNull().references('users.id'))
    .addColumn('chat_id', 'bigint', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('language', 'text', (c) => c.notNull())
    .addColumn('input_text', 'text')
    .addColumn('input_chars', 'integer', (c) => c.notNull())
    .addColumn('segment_chars', 'integer', (c) => c.notNull())
    .addColumn('segment_count', 'integer', (c) => c.notNull())
    .addColumn('model', 'text', (c) => c.notNull())
    .addColumn('price', 'integer', (c) => c.notNull())
    // UNIQUE: one charge pays for one job, one refund reverses it.
    .addColumn('charge_entry_id', 'bigint', (c) => c.unique().references('ledger_entries.id'))
    .addColumn('refund_entry_id', 'bigint', (c) => c.unique().references('ledger_entries.id'))
    .addColumn('status_message_id', 'bigint')
    .addColumn('traceparent', 'text')
    .addColumn('resumes', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('fail_code', 'text')
    .addColumn('error_ref', 'text')
    .addColumn('locked_by', 'text')
    .addColumn('locked_until', 'timestamptz')
    .addColumn('deadline_at', 'timestamptz')
    .addColumn('started_at', 'timestamptz')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addCheckConstraint(
      'protocol_jobs_status',
      sql`status in ('quoted', 'cancelled', 'running', 'delivered', 'failed')`,
    )
    .addCheckConstraint('protocol_jobs_source', sql`source in ('text', 'document')`)
    // Money invariants in the schema: charged exactly when confirmed, refunded exactly when failed,
    // so a charge ends delivered or refunded, never both.
    .addCheckConstraint(
      'protocol_jobs_charge_status',
      sql`(charge_entry_id is not null) = (status in ('running', 'delivered', 'failed'))`,
    )
    .addCheckConstraint(
      'protocol_jobs_refund_status',
      sql`(refund_entry_id is not null) = (status = 'failed')`,
    )
    .execute();
  // The resume sweep: running jobs whose lease is free or expired.
  await db.schema
    .createIndex('protocol_jobs_status_lease_idx')
    .on('protocol_jobs')
    .columns(['status', 'locked_until'])
    .execute();

  // The notes of each finished segment, so a resumed job does not pay for a segment twice.
  await db.schema
    .createTable('protocol_segments')
    .addColumn('job_id', 'text', (c) => c.notNull().references('protocol_jobs.id').onDelete('cascade'))
    .addColumn('idx', 'integer', (c) => c.notNull())
    .addColumn('notes', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('protocol_segments_pk', ['job_id', 'idx'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('protocol_segments').execute();
  await db.schema.dropTable('protocol_jobs').execute();
}

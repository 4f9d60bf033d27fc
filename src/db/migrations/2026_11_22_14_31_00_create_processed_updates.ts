import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('processed_updates')
    .addColumn('bot_id', 'bigint', (c) => c.notNull())
    .addColumn('update_id', 'bigint', (c) => c.notNull())
    .addColumn('processed_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('processed_updates_pk', ['bot_id', 'update_id'])
    .execute();
  // Pruning deletes by age.
  await db.schema
    .createIndex('processed_updates_processed_at_idx')
    .on('processed_updates')
    .column('processed_at')
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('processed_updates').execute();
}

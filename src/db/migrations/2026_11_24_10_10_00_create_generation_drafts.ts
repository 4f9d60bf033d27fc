import { type Kysely, sql } from 'kysely';

/**
 * A generation being set up in the chat (model → prompt/photo → options → confirm). Kept in the
 * database, not in memory, so any instance can take the next update and a restart loses nothing;
 * its short id is what the buttons carry, so a forged or stale button is recognised by its owner and stage.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('generation_drafts')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('user_id', 'bigint', (c) => c.notNull().references('users.id'))
    .addColumn('chat_id', 'bigint', (c) => c.notNull())
    .addColumn('model_id', 'text', (c) => c.notNull())
    .addColumn('stage', 'text', (c) => c.notNull())
    .addColumn('prompt', 'text')
    .addColumn('source_file_id', 'text')
    .addColumn('inputs', 'jsonb', (c) => c.notNull())
    .addColumn('message_id', 'bigint')
    .addColumn('generation_id', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addCheckConstraint(
      'generation_drafts_stage',
      sql`stage in ('prompt', 'options', 'confirmed', 'cancelled')`,
    )
    .execute();
  // The draft waiting for a user's prompt is their newest one.
  await db.schema
    .createIndex('generation_drafts_user_created_idx')
    .on('generation_drafts')
    .columns(['user_id', 'created_at'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('generation_drafts').execute();
}

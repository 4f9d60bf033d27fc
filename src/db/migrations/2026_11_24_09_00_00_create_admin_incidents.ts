import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  // One row per kind of operator incident (e.g. `kie.insufficient_credits`): shared by every bot
  // instance, so many users hitting the same outage raise one admin alert, not one each.
  await db.schema
    .createTable('admin_incidents')
    .addColumn('incident', 'text', (c) => c.primaryKey())
    .addColumn('alerted_at', 'timestamptz', (c) => c.notNull())
    .addColumn('occurrences', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('last_seen_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('admin_incidents').execute();
}

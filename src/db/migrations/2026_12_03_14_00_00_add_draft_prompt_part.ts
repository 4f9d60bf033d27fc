import type { Kysely } from 'kysely';

/**
 * When the draft's prompt came as a part a Telegram client cut from a longer paste: the date that
 * part was sent. A next part within PASTE_MERGE_MS belongs to the same prompt, not to a new text
 * (without it, the rest of a long prompt became a protocol quote of its own).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('generation_drafts').addColumn('prompt_part_at', 'timestamptz').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('generation_drafts').dropColumn('prompt_part_at').execute();
}

import type { Kysely } from 'kysely';
import type { Database } from '../schema.ts';
import type { DraftRow, DraftStage, DraftUpdate, NewDraftRow } from '../tables/generation-drafts.table.ts';

/** Inserts a draft and returns it. */
export function insertDraft(db: Kysely<Database>, row: NewDraftRow): Promise<DraftRow> {
  return db.insertInto('generation_drafts').values(row).returningAll().executeTakeFirstOrThrow();
}

/** One draft by id. */
export function findDraft(db: Kysely<Database>, id: string): Promise<DraftRow | undefined> {
  return db.selectFrom('generation_drafts').selectAll().where('id', '=', id).executeTakeFirst();
}

/** The user's newest draft created after `since`, whatever its stage. */
export function latestDraft(
  db: Kysely<Database>,
  userId: number,
  since: Date,
): Promise<DraftRow | undefined> {
  return db
    .selectFrom('generation_drafts')
    .selectAll()
    .where('user_id', '=', userId)
    .where('created_at', '>', since)
    .orderBy('created_at', 'desc')
    .limit(1)
    .executeTakeFirst();
}

/** Updates a draft only while it is in `from` (so two presses cannot both move it); undefined otherwise. */
export function updateDraft(
  db: Kysely<Database>,
  id: string,
  from: DraftStage,
  changes: DraftUpdate,
): Promise<DraftRow | undefined> {
  return db
    .updateTable('generation_drafts')
    .set({ ...changes, updated_at: new Date() })
    .where('id', '=', id)
    .where('stage', '=', from)
    .returningAll()
    .executeTakeFirst();
}

/** Cancels every open draft of a user; returns how many. */
export async function cancelOpenDrafts(db: Kysely<Database>, userId: number): Promise<number> {
  const result = await db
    .updateTable('generation_drafts')
    .set({ stage: 'cancelled', updated_at: new Date() })
    .where('user_id', '=', userId)
    .where('stage', 'in', ['prompt', 'options'])
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

/** Deletes drafts older than the cutoff (they can no longer be confirmed anyway). */
export async function pruneDrafts(db: Kysely<Database>, olderThan: Date): Promise<number> {
  const result = await db
    .deleteFrom('generation_drafts')
    .where('created_at', '<', olderThan)
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}

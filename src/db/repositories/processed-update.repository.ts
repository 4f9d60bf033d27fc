import { type Kysely, sql, type UpdateObject } from 'kysely';
import { preparedQuery } from '../prepared-query.ts';
import type { Database } from '../schema.ts';

/** What a claim needs: the update, who takes it, until when, and how many tries it may have. */
export interface ClaimRequest {
  readonly botId: number;
  readonly updateId: number;
  /** The update's JSON, kept while it is unfinished so any instance can run it again. */
  readonly payload: string;
  readonly claimedBy: string;
  readonly now: Date;
  readonly leaseUntil: Date;
  /** A row with this many claims is not claimed again. */
  readonly maxAttempts: number;
}

/** The claim's key and fencing token: later writes only apply while the row still has this attempt. */
export interface ClaimKey {
  readonly botId: number;
  readonly updateId: number;
  readonly attempt: number;
}

/**
 * Claims an update; returns its attempt number (1 for a new one), or undefined when it was handled
 * already, or is being handled under a lease that has not expired, or has used up its attempts. One
 * statement, so concurrent claims of one id (two instances, a redelivery racing the retry sweep)
 * let exactly one through.
 */
export async function claimUpdate(db: Kysely<Database>, claim: ClaimRequest): Promise<number | undefined> {
  const { rows } = await claimStatement(db, claim);
  return rows[0]?.attempts;
}

// Per update, so compiled once (src/db/prepared-query.ts).
const claimStatement = preparedQuery((db, claim: ClaimRequest) =>
  db
    .insertInto('processed_updates')
    .values({
      bot_id: claim.botId,
      update_id: claim.updateId,
      processed_at: claim.now,
      state: 'claimed',
      attempts: 1,
      claimed_by: claim.claimedBy,
      lease_until: claim.leaseUntil,
      payload: claim.payload,
    })
    .onConflict((oc) =>
      oc
        .columns(['bot_id', 'update_id'])
        .doUpdateSet({
          state: 'claimed',
          attempts: sql<number>`processed_updates.attempts + 1`,
          claimed_by: claim.claimedBy,
          lease_until: claim.leaseUntil,
          next_attempt_at: null,
          payload: sql<string>`coalesce(processed_updates.payload, excluded.payload)`,
        })
        // A retry is claimable at once when Telegram redelivers it (its backoff only paces the sweep);
        // a claim whose holder died is claimable once its lease ran out.
        .where((eb) =>
          eb.and([
            eb('processed_updates.attempts', '<', claim.maxAttempts),
            eb.or([
              eb('processed_updates.state', '=', 'retry'),
              eb.and([
                eb('processed_updates.state', '=', 'claimed'),
                eb('processed_updates.lease_until', '<', claim.now),
              ]),
            ]),
          ]),
        ),
    )
    .returning('attempts'),
);

/** Marks a claimed update handled and drops its JSON; false when the claim was lost meanwhile. */
export async function completeUpdate(
  db: Kysely<Database>,
  key: ClaimKey,
  lastError: string | null,
): Promise<boolean> {
  const result = await completeStatement(db, { ...key, lastError });
  return (result.numAffectedRows ?? 0n) > 0n;
}

// Per update, so compiled once (src/db/prepared-query.ts); the same guard as updateClaim's.
const completeStatement = preparedQuery((db, p: ClaimKey & { lastError: string | null }) =>
  db
    .updateTable('processed_updates')
    .set({ state: 'done', payload: null, lease_until: null, next_attempt_at: null, last_error: p.lastError })
    .where('bot_id', '=', p.botId)
    .where('update_id', '=', p.updateId)
    .where('state', '=', 'claimed')
    .where('attempts', '=', p.attempt),
);

/** Gives a claimed update back for another attempt at `dueAt`; false when the claim was lost meanwhile. */
export async function releaseUpdateForRetry(
  db: Kysely<Database>,
  key: ClaimKey,
  dueAt: Date,
  lastError: string,
): Promise<boolean> {
  return updateClaim(db, key, {
    state: 'retry',
    lease_until: null,
    claimed_by: null,
    next_attempt_at: dueAt,
    last_error: lastError,
  });
}

/** Updates the row only while `key`'s claim still holds it (same attempt, still claimed). */
async function updateClaim(
  db: Kysely<Database>,
  key: ClaimKey,
  set: UpdateObject<Database, 'processed_updates'>,
): Promise<boolean> {
  const result = await db
    .updateTable('processed_updates')
    .set(set)
    .where('bot_id', '=', key.botId)
    .where('update_id', '=', key.updateId)
    .where('state', '=', 'claimed')
    .where('attempts', '=', key.attempt)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/**
 * Hands this instance's claims back at start: nothing of this INSTANCE_ID runs before start, so they
 * belong to a process that died. They are due at once rather than after their lease.
 */
export async function releaseOwnClaims(
  db: Kysely<Database>,
  botId: number,
  claimedBy: string,
  now: Date,
): Promise<number> {
  const result = await db
    .updateTable('processed_updates')
    .set({
      state: 'retry',
      lease_until: null,
      claimed_by: null,
      next_attempt_at: now,
      last_error: 'interrupted',
    })
    .where('bot_id', '=', botId)
    .where('state', '=', 'claimed')
    .where('claimed_by', '=', claimedBy)
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

/** An unfinished update whose turn has come. */
export interface DueUpdate {
  readonly updateId: number;
  readonly payload: string;
  readonly attempts: number;
}

/** Retries that are due and claims whose lease ran out, oldest first; each still has attempts left. */
export async function listDueUpdates(
  db: Kysely<Database>,
  query: { botId: number; now: Date; maxAttempts: number; limit: number },
): Promise<DueUpdate[]> {
  const rows = await db
    .selectFrom('processed_updates')
    .select(['update_id', 'payload', 'attempts'])
    .where('bot_id', '=', query.botId)
    .where('state', '<>', 'done')
    .where('payload', 'is not', null)
    .where('attempts', '<', query.maxAttempts)
    .where((eb) =>
      eb.or([
        eb.and([eb('state', '=', 'retry'), eb('next_attempt_at', '<=', query.now)]),
        eb.and([eb('state', '=', 'claimed'), eb('lease_until', '<', query.now)]),
      ]),
    )
    .orderBy('update_id')
    .limit(query.limit)
    .execute();
  return rows.map((r) => ({ updateId: r.update_id, payload: r.payload as string, attempts: r.attempts }));
}

/** Deletes claims older than the cutoff; Telegram keeps undelivered updates for 24 h at most. */
export async function pruneProcessedUpdates(db: Kysely<Database>, olderThan: Date): Promise<number> {
  const result = await db
    .deleteFrom('processed_updates')
    .where('processed_at', '<', olderThan)
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}

import { type Kysely, sql, type Transaction } from 'kysely';
import type { Database } from '../schema.ts';

type Db = Kysely<Database> | Transaction<Database>;

/** Creates the user's zero balance row if missing; does nothing for an unknown user (never creates users). */
export async function ensureBalanceRow(db: Db, userId: number): Promise<void> {
  await db
    .insertInto('balances')
    .columns(['user_id'])
    .expression((eb) =>
      eb.selectFrom('users').select(sql<number>`${userId}::bigint`.as('user_id')).where('id', '=', userId),
    )
    .onConflict((oc) => oc.column('user_id').doNothing())
    .execute();
}

/** Reads the balance and locks its row until the transaction ends; undefined when there is no row. */
export async function lockBalance(db: Db, userId: number): Promise<number | undefined> {
  const row = await db
    .selectFrom('balances')
    .select('balance')
    .where('user_id', '=', userId)
    .forUpdate()
    .executeTakeFirst();
  return row?.balance;
}

/**
 * Adds a signed delta only if the result stays non-negative, in one statement; returns the new
 * balance, or undefined when the balance is too low (or there is no row).
 */
export async function addToBalance(db: Db, userId: number, delta: number): Promise<number | undefined> {
  const row = await db
    .updateTable('balances')
    .set((eb) => ({ balance: eb('balance', '+', delta), updated_at: sql`now()` }))
    .where('user_id', '=', userId)
    .where((eb) => eb(eb('balance', '+', delta), '>=', 0))
    .returning('balance')
    .executeTakeFirst();
  return row?.balance;
}

/** Reads the balance without locking; undefined when the user never had an entry. */
export async function findBalance(db: Db, userId: number): Promise<number | undefined> {
  const row = await db
    .selectFrom('balances')
    .select('balance')
    .where('user_id', '=', userId)
    .executeTakeFirst();
  return row?.balance;
}

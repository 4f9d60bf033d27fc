import { type Kysely, sql } from 'kysely';

/**
 * KIE has no idempotency key (kie-api.md §9 row 16), so a create that was sent and then got no usable
 * answer may have made a task. `creating` is written right before the request leaves: a row found in it
 * after its lease expired (the worker died mid-call) is treated like a create that timed out. Both become
 * `unknown` instead of being created again, until a callback names the task (adopted → running) or the
 * generation's deadline passes (refunded as `kie.create_unknown`).
 *
 * `kie_credits_consumed` is what KIE reported it charged for the task (`consumeCredits` /
 * `creditsConsumed`, §5, §11), set once when the task ended; KIE credits can be fractional (§10).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('generations').dropConstraint('generations_status').execute();
  await db.schema
    .alterTable('generations')
    .addCheckConstraint(
      'generations_status',
      sql`status in ('pending', 'creating', 'unknown', 'running', 'succeeded', 'failed', 'timed_out', 'delivered', 'refunded', 'cancelled')`,
    )
    .execute();
  await db.schema.alterTable('generations').addColumn('kie_credits_consumed', 'double precision').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  // Neither status can be mapped back: `pending` would create a second task, a final status would
  // need a refund. Settle them (wait for the deadline) before going down.
  const open = await sql<{ n: number }>`
    select count(*)::int as n from generations where status in ('creating', 'unknown')`.execute(db);
  if ((open.rows[0]?.n ?? 0) > 0) {
    throw new Error('generations in creating/unknown exist: let them settle before migrating down');
  }
  await db.schema.alterTable('generations').dropColumn('kie_credits_consumed').execute();
  await db.schema.alterTable('generations').dropConstraint('generations_status').execute();
  await db.schema
    .alterTable('generations')
    .addCheckConstraint(
      'generations_status',
      sql`status in ('pending', 'running', 'succeeded', 'failed', 'timed_out', 'delivered', 'refunded', 'cancelled')`,
    )
    .execute();
}

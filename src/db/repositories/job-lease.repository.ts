import type { Kysely } from 'kysely';
import type { Database } from '../schema.ts';

/**
 * Takes the job's lease when its next run is due and nobody holds it (or the holder's lease ran
 * out); true when this instance may run it now. The row is created on first use, due at once.
 */
export async function acquireJobLease(
  db: Kysely<Database>,
  job: { name: string; holder: string; now: Date; lockedUntil: Date },
): Promise<boolean> {
  await db
    .insertInto('job_leases')
    .values({ name: job.name, next_run_at: job.now })
    .onConflict((oc) => oc.column('name').doNothing())
    .execute();
  const result = await db
    .updateTable('job_leases')
    .set({ locked_by: job.holder, locked_until: job.lockedUntil })
    .where('name', '=', job.name)
    .where('next_run_at', '<=', job.now)
    .where((eb) => eb.or([eb('locked_until', 'is', null), eb('locked_until', '<', job.now)]))
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/** Ends a run: frees the lease and sets when any instance may run the job next. */
export async function releaseJobLease(
  db: Kysely<Database>,
  job: { name: string; holder: string; ranAt: Date; nextRunAt: Date },
): Promise<void> {
  await db
    .updateTable('job_leases')
    .set({ locked_by: null, locked_until: null, last_run_at: job.ranAt, next_run_at: job.nextRunAt })
    .where('name', '=', job.name)
    .where('locked_by', '=', job.holder)
    .execute();
}

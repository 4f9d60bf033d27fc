import type { Kysely } from 'kysely';
import { acquireJobLease, releaseJobLease } from '../../db/repositories/job-lease.repository.ts';
import type { Database } from '../../db/schema.ts';

export interface LeasedJobOptions {
  readonly db: Kysely<Database>;
  /** The job's row in `job_leases`, e.g. `stars.reconcile`. */
  readonly name: string;
  /** INSTANCE_ID of this process. */
  readonly holder: string;
  /** Least time between two runs, across all instances. */
  readonly intervalMs: number;
  /** A holder that dies mid-run keeps the job this long. */
  readonly leaseMs: number;
  readonly now: () => Date;
}

/**
 * Runs `fn` if this instance wins the job's lease and its next run is due (any instance may try;
 * one runs, the others get undefined), then sets the next run an interval later. A failed run is
 * retried at the next interval too, so a persistent failure cannot turn into a tight loop.
 */
export async function runLeased<T>(options: LeasedJobOptions, fn: () => Promise<T>): Promise<T | undefined> {
  const { db, name, holder, intervalMs, leaseMs, now } = options;
  const started = now();
  const acquired = await acquireJobLease(db, {
    name,
    holder,
    now: started,
    lockedUntil: new Date(started.getTime() + leaseMs),
  });
  if (!acquired) return undefined;
  try {
    return await fn();
  } finally {
    await releaseJobLease(db, {
      name,
      holder,
      ranAt: started,
      nextRunAt: new Date(now().getTime() + intervalMs),
    });
  }
}

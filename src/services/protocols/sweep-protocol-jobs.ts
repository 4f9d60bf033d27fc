import type { Kysely } from 'kysely';
import {
  claimAbandonedProtocolJobs,
  claimOwedProtocolNotices,
  deleteStaleQuotes,
} from '../../db/repositories/protocol-job.repository.ts';
import type { Database } from '../../db/schema.ts';
import type { Logger } from '../../logger.ts';
import type { ProtocolRunner } from './protocol-runner.ts';

export interface JobSweepDeps {
  readonly db: Kysely<Database>;
  readonly runner: Pick<ProtocolRunner, 'launch' | 'retryNotice'>;
  readonly logger: Logger;
  readonly clock: () => Date;
  readonly workerId: string;
  readonly leaseMs: number;
  readonly quoteTtlMs: number;
  /** True once this instance stops: the sweep ends at the next row. */
  readonly stopped: () => boolean;
}

/**
 * Leases every running job nobody holds (the runner resumes it or, past its limits, refunds it),
 * then retries the failure messages still owed.
 */
export function createJobSweep(deps: JobSweepDeps): () => Promise<void> {
  const { db, runner, logger, clock, workerId, leaseMs, quoteTtlMs } = deps;
  return async (): Promise<void> => {
    const now = clock();
    await deleteStaleQuotes(db, new Date(now.getTime() - quoteTtlMs));
    for (;;) {
      const rows = await db.transaction().execute((trx) =>
        claimAbandonedProtocolJobs(trx, {
          now,
          limit: 20,
          workerId,
          lockedUntil: new Date(now.getTime() + leaseMs),
        }),
      );
      for (const row of rows) {
        logger.info('Resuming a protocol job', { job_id: row.id, resumes: row.resumes });
        runner.launch(row);
      }
      if (rows.length < 20 || deps.stopped()) break;
    }
    // Failure messages Telegram did not take (or whose instance died before sending them).
    for (;;) {
      const owed = await db
        .transaction()
        .execute((trx) =>
          claimOwedProtocolNotices(trx, { now, limit: 20, dueAgain: new Date(now.getTime() + leaseMs) }),
        );
      for (const row of owed) {
        // A stop does not wait for Telegram: the rest stay due (at `dueAgain`) for the next sweep.
        if (deps.stopped()) return;
        await runner.retryNotice(row);
      }
      if (owed.length < 20 || deps.stopped()) return;
    }
  };
}

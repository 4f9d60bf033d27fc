import type { Kysely } from 'kysely';
import { findProtocolJob } from '../../db/repositories/protocol-job.repository.ts';
import type { Database } from '../../db/schema.ts';
import type { ProtocolJobRow } from '../../db/tables/protocol-jobs.table.ts';

/** Reloads a job this worker leased, for `launch` after a confirm in another call. */
export async function findLeasedJob(
  db: Kysely<Database>,
  jobId: string,
  workerId: string,
): Promise<ProtocolJobRow | undefined> {
  const row = await findProtocolJob(db, jobId);
  return row?.status === 'running' && row.locked_by === workerId ? row : undefined;
}

import type { ColumnType, Selectable } from 'kysely';

type Timestamp = ColumnType<Date, Date | string, Date | string>;

/** One row per periodic job that only one instance may run at a time (e.g. `stars.reconcile`). */
export interface JobLeasesTable {
  name: ColumnType<string, string, never>;
  /** INSTANCE_ID of the instance running it now. */
  locked_by: ColumnType<string | null, string | null | undefined, string | null>;
  /** A holder that dies keeps the job only until then. */
  locked_until: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  /** No instance starts the job before this; set after each run, so N instances run it once per interval. */
  next_run_at: Timestamp;
  last_run_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
}

export type JobLeaseRow = Selectable<JobLeasesTable>;

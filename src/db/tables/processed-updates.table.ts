import type { ColumnType, Selectable } from 'kysely';

/**
 * Where an update is: `claimed` (an instance is handling it, until `lease_until`), `retry` (it failed
 * on an infrastructure error and is due again at `next_attempt_at`), `done` (handled; never again).
 */
export type UpdateState = 'claimed' | 'retry' | 'done';

/** The update inbox: each update id is handled to completion once, retried after infrastructure failures. */
export interface ProcessedUpdatesTable {
  bot_id: ColumnType<number, number, never>;
  update_id: ColumnType<number, number, never>;
  /** When the update was first claimed; pruning goes by it. */
  processed_at: ColumnType<Date, Date | string | undefined, never>;
  state: ColumnType<UpdateState, UpdateState | undefined, UpdateState>;
  /** Claims so far, the first included; also the fencing token of the current claim. */
  attempts: ColumnType<number, number | undefined, number>;
  /** INSTANCE_ID of the claim's holder. */
  claimed_by: ColumnType<string | null, string | null | undefined, string | null>;
  lease_until: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  next_attempt_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  /** The update's JSON while it is unfinished, so any instance can run it again; cleared when done. */
  payload: ColumnType<string | null, string | null | undefined, string | null>;
  /** `error.type` of the last failure. */
  last_error: ColumnType<string | null, string | null | undefined, string | null>;
}

export type ProcessedUpdateRow = Selectable<ProcessedUpdatesTable>;

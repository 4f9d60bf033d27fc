import type { ColumnType, Selectable } from 'kysely';

/** The LLM's notes on one finished segment of a running protocol job. */
export interface ProtocolSegmentsTable {
  job_id: ColumnType<string, string, never>;
  /** 0-based segment index. */
  idx: ColumnType<number, number, never>;
  notes: ColumnType<string, string, never>;
  created_at: ColumnType<Date, Date | string | undefined, never>;
}

export type ProtocolSegmentRow = Selectable<ProtocolSegmentsTable>;

import type { ColumnType, Selectable } from 'kysely';

/** Update ids already claimed by a handler, so a redelivered update is handled once. */
export interface ProcessedUpdatesTable {
  bot_id: ColumnType<number, number, never>;
  update_id: ColumnType<number, number, never>;
  processed_at: ColumnType<Date, Date | string | undefined, never>;
}

export type ProcessedUpdateRow = Selectable<ProcessedUpdatesTable>;

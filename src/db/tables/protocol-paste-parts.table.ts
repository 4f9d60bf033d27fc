import type { ColumnType, Selectable } from 'kysely';

/** One message of a text that came in several (a paste Telegram's client split at 4096 characters). */
export interface ProtocolPastePartsTable {
  job_id: ColumnType<string, string, never>;
  chat_id: ColumnType<number, number, never>;
  /** Telegram's message id: parts join in this order. */
  message_id: ColumnType<number, number, never>;
  /** The message's Telegram `date`. */
  sent_at: ColumnType<Date, Date, never>;
  chars: ColumnType<number, number, never>;
  /** The part's text; NULL once the job no longer needs it. */
  text: ColumnType<string | null, string | null, null>;
  created_at: ColumnType<Date, Date | string | undefined, never>;
}

export type ProtocolPastePartRow = Selectable<ProtocolPastePartsTable>;

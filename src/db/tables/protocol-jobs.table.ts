import type { ColumnType, Insertable, Selectable, Updateable } from 'kysely';

/** Lifecycle of a protocol job: quoted → running → delivered | failed (refunded), or quoted → cancelled. */
export type ProtocolJobStatus = 'quoted' | 'cancelled' | 'running' | 'delivered' | 'failed';

/** Where the text came from. */
export type ProtocolSource = 'text' | 'document';

/** What the failure message says: its text key and arguments, and the reference shown. */
export interface StoredProtocolNotice {
  readonly messageKey: string;
  readonly messageArgs: Readonly<Record<string, string | number>>;
  readonly errorRef: string;
}

type NullableTimestamp = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;

/** One protocol job: the durable state a restarted bot resumes from. */
export interface ProtocolJobsTable {
  /** A UUID chosen by the service; also in the confirm button's callback data. */
  id: ColumnType<string, string, never>;
  user_id: ColumnType<number, number, never>;
  chat_id: ColumnType<number, number, never>;
  status: ColumnType<ProtocolJobStatus, ProtocolJobStatus, ProtocolJobStatus>;
  source: ColumnType<ProtocolSource, ProtocolSource, never>;
  /** The language messages about this job are written in (the user's, when they asked). */
  language: ColumnType<string, string, never>;
  /** The text; cleared when the job ends (delivered, failed or cancelled). */
  input_text: ColumnType<string | null, string | null, string | null>;
  /** Size, segments and price change while the parts of a paste arrive (quoted jobs only). */
  input_chars: ColumnType<number, number, number>;
  /** Segment size the job was quoted with, so a resume cuts the same segments. */
  segment_chars: ColumnType<number, number, never>;
  segment_count: ColumnType<number, number, number>;
  model: ColumnType<string, string, never>;
  price: ColumnType<number, number, number>;
  charge_entry_id: ColumnType<number | null, number | null | undefined, number | null>;
  refund_entry_id: ColumnType<number | null, number | null | undefined, number | null>;
  /** The one message edited with progress and the outcome. */
  status_message_id: ColumnType<number | null, number | null | undefined, number | null>;
  /** W3C trace context of the confirming update; the job's spans join its trace. */
  traceparent: ColumnType<string | null, string | null | undefined, string | null>;
  /** Times the job was picked up again after its worker stopped. */
  resumes: ColumnType<number, number | undefined, number>;
  fail_code: ColumnType<string | null, string | null | undefined, string | null>;
  /** The reference the user was shown for the failure. */
  error_ref: ColumnType<string | null, string | null | undefined, string | null>;
  /**
   * The failure message the user is still owed (written with the refund, cleared once Telegram took
   * it), with its tries and when the next is due.
   */
  notice: ColumnType<StoredProtocolNotice | null, string | null | undefined, string | null>;
  notice_attempts: ColumnType<number, number | undefined, number>;
  notice_due_at: NullableTimestamp;
  /** Lease of the instance running the job; NULL or past means nobody runs it. */
  locked_by: ColumnType<string | null, string | null | undefined, string | null>;
  locked_until: NullableTimestamp;
  deadline_at: NullableTimestamp;
  started_at: NullableTimestamp;
  /** The quote message, edited in place as the parts of a paste arrive. */
  quote_message_id: ColumnType<number | null, number | null | undefined, number | null>;
  /** Messages the text came in (protocol_paste_parts); 1 for a document or a single message. */
  part_count: ColumnType<number, number | undefined, number>;
  /** Telegram date of the latest part. */
  last_part_at: NullableTimestamp;
  /** The joined parts went over PROTOCOL_MAX_CHARS (cancelled, answered once; later parts swallowed). */
  too_long: ColumnType<boolean, boolean | undefined, boolean>;
  created_at: ColumnType<Date, Date | string | undefined, never>;
  updated_at: ColumnType<Date, Date | string | undefined, Date | string>;
}

export type ProtocolJobRow = Selectable<ProtocolJobsTable>;
export type NewProtocolJobRow = Insertable<ProtocolJobsTable>;
export type ProtocolJobUpdate = Updateable<ProtocolJobsTable>;

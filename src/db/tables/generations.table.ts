import type { ColumnType, Insertable, Selectable, Updateable } from 'kysely';

/**
 * Lifecycle of a generation; `delivered` and the refunded states are terminal for the money.
 * `creating`: the create request is about to leave or in flight. `unknown`: it left and no answer told
 * whether KIE made the task (kie-api.md §9 row 16); a callback may still name it.
 */
export type GenerationStatus =
  | 'pending'
  | 'creating'
  | 'unknown'
  | 'running'
  | 'succeeded'
  | 'failed'
  | 'timed_out'
  | 'delivered'
  | 'refunded'
  | 'cancelled';

/** Which KIE API runs the task: Market jobs, or Suno's or Veo's own endpoints (free text, no CHECK). */
export type GenerationApi = 'market' | 'suno' | 'veo';

/** How the result was sent to Telegram. */
export type ResultKind = 'photo' | 'video' | 'audio' | 'document';

type Timestamp = ColumnType<Date, Date | string, Date | string>;

/** One paid generation: the durable state a worker resumes from after a restart. */
export interface GenerationsTable {
  /** A UUID chosen by the service. */
  id: ColumnType<string, string, never>;
  user_id: ColumnType<number, number, never>;
  chat_id: ColumnType<number, number, never>;
  /** The catalog model id. */
  model_id: ColumnType<string, string, never>;
  kie_model: ColumnType<string, string, never>;
  /** The KIE `input` object, sent as-is. */
  input: ColumnType<Record<string, unknown>, string, never>;
  price: ColumnType<number, number, never>;
  status: ColumnType<GenerationStatus, GenerationStatus, GenerationStatus>;
  /** Set in the same statement that moves pending → running; unique when present. */
  kie_task_id: ColumnType<string | null, string | null | undefined, string | null>;
  /** NULL only for dry runs, which charge nothing. */
  charge_entry_id: ColumnType<number | null, number | null, never>;
  refund_entry_id: ColumnType<number | null, number | null | undefined, number | null>;
  /** W3C trace context of the confirming update; later spans are its children. */
  traceparent: ColumnType<string | null, string | null | undefined, never>;
  poll_attempts: ColumnType<number, number | undefined, number>;
  next_run_at: Timestamp;
  deadline_at: ColumnType<Date, Date | string, never>;
  result_urls: ColumnType<string[] | null, string | null | undefined, string | null>;
  fail_code: ColumnType<string | null, string | null | undefined, string | null>;
  fail_msg: ColumnType<string | null, string | null | undefined, string | null>;
  /** Lease of the worker processing the row; past or NULL means free. */
  locked_until: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  locked_by: ColumnType<string | null, string | null | undefined, string | null>;
  api: ColumnType<GenerationApi, GenerationApi | undefined, never>;
  /** DRY_RUN=true: KIE is not called and nothing is charged. */
  dry_run: ColumnType<boolean, boolean | undefined, never>;
  /** The one message the bot edits as the task moves. */
  status_message_id: ColumnType<number | null, number | null | undefined, number | null>;
  /** Telegram file id of the user's photo (edit / image-to-video), uploaded to KIE right before createTask. */
  source_file_id: ColumnType<string | null, string | null | undefined, never>;
  /** Telegram file id of the delivered result, so /history can re-send it after KIE's URLs expire. */
  result_file_id: ColumnType<string | null, string | null | undefined, string | null>;
  result_kind: ColumnType<ResultKind | null, ResultKind | null | undefined, ResultKind | null>;
  delivery_attempts: ColumnType<number, number | undefined, number>;
  /** The user is still owed the message saying how it ended (set with the refund, cleared once sent). */
  notice_pending: ColumnType<boolean, boolean | undefined, boolean>;
  notice_attempts: ColumnType<number, number | undefined, number>;
  /** What KIE reported it charged for the task (KIE credits), set once when the task ended. */
  kie_credits_consumed: ColumnType<number | null, number | null | undefined, number | null>;
  created_at: ColumnType<Date, Date | string | undefined, never>;
  updated_at: ColumnType<Date, Date | string | undefined, Date | string>;
}

export type GenerationRow = Selectable<GenerationsTable>;
export type NewGenerationRow = Insertable<GenerationsTable>;
export type GenerationUpdate = Updateable<GenerationsTable>;

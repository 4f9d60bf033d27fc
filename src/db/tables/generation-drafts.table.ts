import type { ColumnType, Insertable, Selectable, Updateable } from 'kysely';

/** Where a draft is: waiting for the prompt, showing options, or done with. */
export type DraftStage = 'prompt' | 'options' | 'confirmed' | 'cancelled';

/** A generation being set up in the chat; see the migration for why it lives here. */
export interface GenerationDraftsTable {
  /** Short random id carried by the draft's buttons. */
  id: ColumnType<string, string, never>;
  user_id: ColumnType<number, number, never>;
  chat_id: ColumnType<number, number, never>;
  model_id: ColumnType<string, string, never>;
  stage: ColumnType<DraftStage, DraftStage, DraftStage>;
  prompt: ColumnType<string | null, string | null | undefined, string | null>;
  source_file_id: ColumnType<string | null, string | null | undefined, string | null>;
  /** The chosen option values by input name. */
  inputs: ColumnType<Record<string, unknown>, string, string>;
  /** The message showing the options and the Confirm button. */
  message_id: ColumnType<number | null, number | null | undefined, number | null>;
  generation_id: ColumnType<string | null, string | null | undefined, string | null>;
  /** When the prompt was a part a client cut from a longer paste: when it was sent (see the migration). */
  prompt_part_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
  created_at: ColumnType<Date, Date | string | undefined, never>;
  updated_at: ColumnType<Date, Date | string | undefined, Date | string>;
}

export type DraftRow = Selectable<GenerationDraftsTable>;
export type NewDraftRow = Insertable<GenerationDraftsTable>;
export type DraftUpdate = Updateable<GenerationDraftsTable>;

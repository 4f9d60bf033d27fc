import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import {
  cancelOpenDrafts,
  findDraft,
  insertDraft,
  latestDraft,
  pruneDrafts,
  updateDraft,
} from '../../db/repositories/generation-draft.repository.ts';
import type { Database } from '../../db/schema.ts';
import type { DraftRow, DraftStage } from '../../db/tables/generation-drafts.table.ts';

/** A draft older than this can no longer be confirmed (its price and options may have changed). */
export const DRAFT_TTL_MS = 60 * 60_000;

/** A generation being set up in the chat. */
export interface Draft {
  readonly id: string;
  readonly userId: number;
  readonly chatId: number;
  readonly modelId: string;
  readonly stage: DraftStage;
  readonly prompt: string | undefined;
  readonly sourceFileId: string | undefined;
  readonly inputs: Readonly<Record<string, string | boolean>>;
  readonly messageId: number | undefined;
  readonly generationId: string | undefined;
  /** The prompt was a part a client cut from a longer paste, sent at this time: more may follow. */
  readonly promptPartAt: Date | undefined;
  readonly createdAt: Date;
  /** Past DRAFT_TTL_MS: its buttons are stale. */
  readonly expired: boolean;
}

export type DraftChanges = Partial<{
  prompt: string;
  sourceFileId: string;
  inputs: Readonly<Record<string, string | boolean>>;
  messageId: number;
  generationId: string;
  /** null: the prompt is whole. */
  promptPartAt: Date | null;
}>;

/** Drafts of the generation flow, shared by every bot instance through the database. */
export interface DraftService {
  create(draft: {
    userId: number;
    chatId: number;
    modelId: string;
    inputs: Readonly<Record<string, string | boolean>>;
  }): Promise<Draft>;
  get(id: string): Promise<Draft | undefined>;
  /** The user's newest live draft, if it is in `stage`. */
  current(userId: number, stage: DraftStage): Promise<Draft | undefined>;
  /** Moves a draft that is still in `from`; undefined when another update moved it first. */
  update(id: string, from: DraftStage, to: DraftStage, changes?: DraftChanges): Promise<Draft | undefined>;
  /** Cancels the user's open drafts; returns how many. */
  cancelOpen(userId: number): Promise<number>;
  /** Deletes drafts well past their TTL. */
  prune(): Promise<number>;
}

export function createDraftService(db: Kysely<Database>, now: () => Date = () => new Date()): DraftService {
  const toDraft = (row: DraftRow): Draft => ({
    id: row.id,
    userId: Number(row.user_id),
    chatId: Number(row.chat_id),
    modelId: row.model_id,
    stage: row.stage,
    prompt: row.prompt ?? undefined,
    sourceFileId: row.source_file_id ?? undefined,
    inputs: row.inputs as Record<string, string | boolean>,
    messageId: row.message_id === null ? undefined : Number(row.message_id),
    generationId: row.generation_id ?? undefined,
    promptPartAt: row.prompt_part_at ?? undefined,
    createdAt: row.created_at,
    expired: now().getTime() - row.created_at.getTime() > DRAFT_TTL_MS,
  });
  return {
    async create(draft) {
      const row = await insertDraft(db, {
        // 12 URL-safe characters: fits callback data with room for the action and option indexes.
        id: randomBytes(9).toString('base64url'),
        user_id: draft.userId,
        chat_id: draft.chatId,
        model_id: draft.modelId,
        stage: 'prompt',
        inputs: JSON.stringify(draft.inputs),
        created_at: now(),
        updated_at: now(),
      });
      return toDraft(row);
    },
    async get(id) {
      const row = await findDraft(db, id);
      return row && toDraft(row);
    },
    async current(userId, stage) {
      const row = await latestDraft(db, userId, new Date(now().getTime() - DRAFT_TTL_MS));
      return row && row.stage === stage ? toDraft(row) : undefined;
    },
    async update(id, from, to, changes = {}) {
      const row = await updateDraft(db, id, from, {
        stage: to,
        ...(changes.prompt !== undefined && { prompt: changes.prompt }),
        ...(changes.sourceFileId !== undefined && { source_file_id: changes.sourceFileId }),
        ...(changes.inputs !== undefined && { inputs: JSON.stringify(changes.inputs) }),
        ...(changes.messageId !== undefined && { message_id: changes.messageId }),
        ...(changes.generationId !== undefined && { generation_id: changes.generationId }),
        ...(changes.promptPartAt !== undefined && { prompt_part_at: changes.promptPartAt }),
      });
      return row && toDraft(row);
    },
    cancelOpen: (userId) => cancelOpenDrafts(db, userId),
    prune: () => pruneDrafts(db, new Date(now().getTime() - 24 * DRAFT_TTL_MS)),
  };
}

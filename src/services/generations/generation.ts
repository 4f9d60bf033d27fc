import type { GenerationRow, GenerationStatus } from '../../db/tables/generations.table.ts';

export type { GenerationStatus };

/** A paid generation as the rest of the bot sees it. */
export interface Generation {
  readonly id: string;
  readonly userId: number;
  readonly chatId: number;
  readonly modelId: string;
  readonly kieModel: string;
  readonly input: Readonly<Record<string, unknown>>;
  readonly price: number;
  readonly status: GenerationStatus;
  readonly kieTaskId: string | undefined;
  readonly chargeEntryId: number;
  readonly refundEntryId: number | undefined;
  readonly pollAttempts: number;
  readonly nextRunAt: Date;
  readonly deadlineAt: Date;
  readonly resultUrls: readonly string[] | undefined;
  readonly failCode: string | undefined;
  readonly failMsg: string | undefined;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

/** The one row → domain mapping of generations. */
export function toGeneration(row: GenerationRow): Generation {
  return {
    id: row.id,
    userId: row.user_id,
    chatId: row.chat_id,
    modelId: row.model_id,
    kieModel: row.kie_model,
    input: row.input,
    price: row.price,
    status: row.status,
    kieTaskId: row.kie_task_id ?? undefined,
    chargeEntryId: row.charge_entry_id,
    refundEntryId: row.refund_entry_id ?? undefined,
    pollAttempts: row.poll_attempts,
    nextRunAt: row.next_run_at,
    deadlineAt: row.deadline_at,
    resultUrls: row.result_urls ?? undefined,
    failCode: row.fail_code ?? undefined,
    failMsg: row.fail_msg ?? undefined,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

import type {
  GenerationApi,
  GenerationRow,
  GenerationStatus,
  ResultKind,
} from '../../db/tables/generations.table.ts';

export type { GenerationApi, GenerationStatus, ResultKind };

/** Statuses a worker still drives (create, settle an unknown create, poll, deliver). */
export const ACTIVE_STATUSES: readonly GenerationStatus[] = [
  'pending',
  'creating',
  'unknown',
  'running',
  'succeeded',
];
/** Final statuses in which the charge was refunded (or, for a dry run, nothing was charged). */
export const REFUNDED_STATUSES: readonly GenerationStatus[] = [
  'failed',
  'timed_out',
  'refunded',
  'cancelled',
];

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
  readonly api: GenerationApi;
  readonly dryRun: boolean;
  /** Undefined only for dry runs. */
  readonly chargeEntryId: number | undefined;
  readonly refundEntryId: number | undefined;
  readonly pollAttempts: number;
  readonly nextRunAt: Date;
  readonly deadlineAt: Date;
  readonly resultUrls: readonly string[] | undefined;
  readonly failCode: string | undefined;
  readonly failMsg: string | undefined;
  readonly statusMessageId: number | undefined;
  readonly sourceFileId: string | undefined;
  readonly resultFileId: string | undefined;
  readonly resultKind: ResultKind | undefined;
  readonly deliveryAttempts: number;
  /** What KIE reported it charged for the task (KIE credits), once it ended; undefined when not reported. */
  readonly kieCreditsConsumed: number | undefined;
  /** W3C trace context of the confirming update (its trace id is the generation's). */
  readonly traceparent: string | undefined;
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
    api: row.api,
    dryRun: row.dry_run,
    chargeEntryId: row.charge_entry_id ?? undefined,
    refundEntryId: row.refund_entry_id ?? undefined,
    pollAttempts: row.poll_attempts,
    nextRunAt: row.next_run_at,
    deadlineAt: row.deadline_at,
    resultUrls: row.result_urls ?? undefined,
    failCode: row.fail_code ?? undefined,
    failMsg: row.fail_msg ?? undefined,
    statusMessageId: row.status_message_id === null ? undefined : Number(row.status_message_id),
    sourceFileId: row.source_file_id ?? undefined,
    resultFileId: row.result_file_id ?? undefined,
    resultKind: row.result_kind ?? undefined,
    deliveryAttempts: row.delivery_attempts,
    kieCreditsConsumed: row.kie_credits_consumed ?? undefined,
    traceparent: row.traceparent ?? undefined,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

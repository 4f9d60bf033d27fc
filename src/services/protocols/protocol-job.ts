import type {
  ProtocolJobRow,
  ProtocolJobStatus,
  ProtocolSource,
} from '../../db/tables/protocol-jobs.table.ts';

export type { ProtocolJobStatus, ProtocolSource };

/** A protocol job as the rest of the bot sees it (the text itself stays in the service). */
export interface ProtocolJob {
  readonly id: string;
  readonly userId: number;
  readonly chatId: number;
  readonly status: ProtocolJobStatus;
  readonly source: ProtocolSource;
  readonly language: string;
  readonly inputChars: number;
  readonly segmentCount: number;
  readonly model: string;
  readonly price: number;
  readonly chargeEntryId: number | undefined;
  readonly refundEntryId: number | undefined;
  readonly statusMessageId: number | undefined;
  readonly resumes: number;
  readonly failCode: string | undefined;
  readonly errorRef: string | undefined;
  readonly createdAt: Date;
  readonly startedAt: Date | undefined;
  /** The quote message, edited in place while the parts of a paste arrive. */
  readonly quoteMessageId: number | undefined;
  /** Messages the text came in (a paste Telegram's client split); 1 for a single message or a file. */
  readonly partCount: number;
  /** The joined parts went over PROTOCOL_MAX_CHARS: the job is cancelled and later parts are swallowed. */
  readonly tooLong: boolean;
}

/** The one row → domain mapping of protocol jobs. */
export function toProtocolJob(row: ProtocolJobRow): ProtocolJob {
  return {
    id: row.id,
    userId: row.user_id,
    chatId: row.chat_id,
    status: row.status,
    source: row.source,
    language: row.language,
    inputChars: row.input_chars,
    segmentCount: row.segment_count,
    model: row.model,
    price: row.price,
    chargeEntryId: row.charge_entry_id ?? undefined,
    refundEntryId: row.refund_entry_id ?? undefined,
    statusMessageId: row.status_message_id ?? undefined,
    resumes: row.resumes,
    failCode: row.fail_code ?? undefined,
    errorRef: row.error_ref ?? undefined,
    createdAt: row.created_at,
    startedAt: row.started_at ?? undefined,
    quoteMessageId: row.quote_message_id ?? undefined,
    partCount: row.part_count,
    tooLong: row.too_long,
  };
}

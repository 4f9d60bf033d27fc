import { randomUUID } from 'node:crypto';
import type { Kysely, Transaction } from 'kysely';
import {
  findProtocolJob,
  insertProtocolJob,
  lockProtocolJob,
  updateProtocolJob,
} from '../../db/repositories/protocol-job.repository.ts';
import {
  clearPastePartTexts,
  findPastePart,
  findPreviousPastePart,
  insertPastePart,
  listPastePartTexts,
  lockUserForPaste,
} from '../../db/repositories/protocol-paste-part.repository.ts';
import type { Database } from '../../db/schema.ts';
import type { ProtocolJobRow } from '../../db/tables/protocol-jobs.table.ts';
import { continuesPaste, FULL_PART_MIN_UNITS, joinPasteParts } from '../../text/paste-merge.ts';
import type { ProtocolSettings } from './protocol.service.ts';
import { type ProtocolJob, toProtocolJob } from './protocol-job.ts';
import { protocolPrice } from './protocol-price.ts';
import { segmentText } from './segment-text.ts';

/** One text message of a user in a private chat. */
export interface TextPart {
  readonly userId: number;
  readonly chatId: number;
  readonly messageId: number;
  /** The message's Telegram `date`. */
  readonly sentAt: Date;
  readonly text: string;
  /** The language of every later message about the job. */
  readonly language: string;
  /** May the message start a new text (false for a /command: it can only continue a paste)? */
  readonly canStart: boolean;
}

/** What became of a text message. */
export type TextOutcome =
  /** Not a protocol text: short, and not the continuation of a paste. */
  | { readonly kind: 'none' }
  /** A new quote: show it and record its message. */
  | { readonly kind: 'quoted'; readonly job: ProtocolJob }
  /** Joined to an open quote (or seen before): the quote shows the job as it is now. */
  | { readonly kind: 'appended'; readonly job: ProtocolJob }
  /** The text is over PROTOCOL_MAX_CHARS; `first` is the part that crossed it (answer once). */
  | { readonly kind: 'too_long'; readonly job: ProtocolJob; readonly first: boolean };

export interface TextReceiverDeps {
  readonly db: Kysely<Database>;
  readonly settings: ProtocolSettings;
  readonly model: string;
  readonly clock: () => Date;
}

/** Quotes long texts and joins the parts of a paste into one job, under the user's row lock. */
export function createTextReceiver(deps: TextReceiverDeps): (part: TextPart) => Promise<TextOutcome> {
  const { db, settings } = deps;
  const price = (segments: number) =>
    protocolPrice(segments, { base: settings.priceBase, perSegment: settings.pricePerSegment });
  const clean = (text: string) => text.replace(/^\uFEFF/, '').trim();

  const create = async (trx: Transaction<Database>, part: TextPart): Promise<TextOutcome> => {
    const text = clean(part.text);
    const tooLong = text.length > settings.maxChars;
    const segments = tooLong ? 0 : segmentText(text, settings.segmentChars).length;
    const now = deps.clock();
    const row = await insertProtocolJob(trx, {
      id: randomUUID(),
      user_id: part.userId,
      chat_id: part.chatId,
      status: tooLong ? 'cancelled' : 'quoted',
      source: 'text',
      language: part.language,
      input_text: tooLong ? null : text,
      input_chars: text.length,
      segment_chars: settings.segmentChars,
      segment_count: segments,
      model: deps.model,
      price: price(segments),
      part_count: 1,
      last_part_at: part.sentAt,
      too_long: tooLong,
      created_at: now,
      updated_at: now,
    });
    await insertPart(trx, row, part);
    const job = toProtocolJob(row);
    return tooLong ? { kind: 'too_long', job, first: true } : { kind: 'quoted', job };
  };

  const insertPart = (trx: Transaction<Database>, job: ProtocolJobRow, part: TextPart) =>
    insertPastePart(trx, {
      jobId: job.id,
      chatId: part.chatId,
      messageId: part.messageId,
      sentAt: part.sentAt,
      chars: part.text.length,
      // A too-long text is not kept: only the part's size and time, to swallow the rest of the paste.
      text: job.too_long || job.status !== 'quoted' ? null : part.text,
    });

  const append = async (
    trx: Transaction<Database>,
    job: ProtocolJobRow,
    part: TextPart,
  ): Promise<TextOutcome> => {
    await insertPart(trx, job, part);
    const now = deps.clock();
    const counted = {
      part_count: job.part_count + 1,
      last_part_at: job.last_part_at && job.last_part_at > part.sentAt ? job.last_part_at : part.sentAt,
      updated_at: now,
    };
    if (job.too_long) {
      const row = await updateProtocolJob(trx, job.id, 'cancelled', counted);
      return { kind: 'too_long', job: toProtocolJob(row ?? job), first: false };
    }
    const text = clean(joinPasteParts(await listPastePartTexts(trx, job.id)));
    if (text.length > settings.maxChars) {
      await clearPastePartTexts(trx, job.id);
      const row = await updateProtocolJob(trx, job.id, 'quoted', {
        ...counted,
        status: 'cancelled',
        too_long: true,
        input_text: null,
        input_chars: text.length,
      });
      if (!row) throw new Error(`Job ${job.id} changed under its row lock`);
      return { kind: 'too_long', job: toProtocolJob(row), first: true };
    }
    const segments = segmentText(text, settings.segmentChars).length;
    const row = await updateProtocolJob(trx, job.id, 'quoted', {
      ...counted,
      input_text: text,
      input_chars: text.length,
      segment_count: segments,
      price: price(segments),
    });
    if (!row) throw new Error(`Job ${job.id} changed under its row lock`);
    return { kind: 'appended', job: toProtocolJob(row) };
  };

  return (part) =>
    db.transaction().execute(async (trx): Promise<TextOutcome> => {
      await lockUserForPaste(trx, part.userId);
      // A redelivered update: its part is in already, so the quote is shown as it is now.
      const seen = await findPastePart(trx, part.chatId, part.messageId);
      if (seen) {
        const row = await findProtocolJob(trx, seen.job_id);
        if (!row) return { kind: 'none' };
        const job = toProtocolJob(row);
        if (row.too_long) return { kind: 'too_long', job, first: false };
        return row.quote_message_id === null && row.status === 'quoted'
          ? { kind: 'quoted', job }
          : { kind: 'appended', job };
      }
      const previous = await findPreviousPastePart(trx, part.userId, part.chatId, part.messageId);
      if (
        previous &&
        continuesPaste(
          { chars: previous.chars, sentAt: previous.sent_at },
          part.sentAt,
          settings.pasteMergeMs,
        )
      ) {
        const job = await lockProtocolJob(trx, previous.job_id);
        // A confirmed (or cancelled) quote is closed: this message starts a new text.
        if (job && (job.status === 'quoted' || job.too_long)) return append(trx, job, part);
      }
      if (!part.canStart || clean(part.text) === '') return { kind: 'none' };
      // A part as long as a client's cut may be the first of a paste, so it is quoted even below
      // PROTOCOL_MIN_CHARS; only a whole message shorter than that is left to other features.
      if (clean(part.text).length < settings.minChars && part.text.length < FULL_PART_MIN_UNITS) {
        return { kind: 'none' };
      }
      return create(trx, part);
    });
}

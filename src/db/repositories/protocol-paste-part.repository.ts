import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../schema.ts';
import type { ProtocolJobRow } from '../tables/protocol-jobs.table.ts';
import type { ProtocolPastePartRow } from '../tables/protocol-paste-parts.table.ts';

type Db = Kysely<Database> | Transaction<Database>;

/** What the merge needs of a part: no text. */
export type PastePartInfo = Pick<ProtocolPastePartRow, 'job_id' | 'message_id' | 'sent_at' | 'chars'>;

/**
 * Holds the user's row until the transaction ends, so two parts of one paste handled at once (two
 * instances, or a retry next to a first delivery) take turns: the second sees the first's job.
 */
export async function lockUserForPaste(trx: Transaction<Database>, userId: number): Promise<void> {
  await trx.selectFrom('users').select('id').where('id', '=', userId).forUpdate().execute();
}

/** The part a message already is (a redelivered update), if any. */
export async function findPastePart(
  db: Db,
  chatId: number,
  messageId: number,
): Promise<PastePartInfo | undefined> {
  return db
    .selectFrom('protocol_paste_parts')
    .select(['job_id', 'message_id', 'sent_at', 'chars'])
    .where('chat_id', '=', chatId)
    .where('message_id', '=', messageId)
    .executeTakeFirst();
}

/** The user's latest part in the chat before `messageId`: the one a new message may continue. */
export async function findPreviousPastePart(
  db: Db,
  userId: number,
  chatId: number,
  messageId: number,
): Promise<PastePartInfo | undefined> {
  return db
    .selectFrom('protocol_paste_parts as p')
    .innerJoin('protocol_jobs as j', 'j.id', 'p.job_id')
    .select(['p.job_id', 'p.message_id', 'p.sent_at', 'p.chars'])
    .where('p.chat_id', '=', chatId)
    .where('j.user_id', '=', userId)
    .where('p.message_id', '<', messageId)
    .orderBy('p.message_id', 'desc')
    .limit(1)
    .executeTakeFirst();
}

export async function insertPastePart(
  db: Db,
  part: {
    jobId: string;
    chatId: number;
    messageId: number;
    sentAt: Date;
    chars: number;
    text: string | null;
  },
): Promise<void> {
  await db
    .insertInto('protocol_paste_parts')
    .values({
      job_id: part.jobId,
      chat_id: part.chatId,
      message_id: part.messageId,
      sent_at: part.sentAt,
      chars: part.chars,
      text: part.text,
    })
    .execute();
}

/** The texts of a job's parts in message order (NULL ones, cleared, are left out). */
export async function listPastePartTexts(db: Db, jobId: string): Promise<string[]> {
  const rows = await db
    .selectFrom('protocol_paste_parts')
    .select('text')
    .where('job_id', '=', jobId)
    .orderBy('message_id')
    .execute();
  return rows.flatMap((r) => (r.text === null ? [] : [r.text]));
}

/** Forgets the parts' texts (the job holds or held the joined text; it no longer needs them). */
export async function clearPastePartTexts(db: Db, jobId: string): Promise<void> {
  await db
    .updateTable('protocol_paste_parts')
    .set({ text: null })
    .where('job_id', '=', jobId)
    .where('text', 'is not', null)
    .execute();
}

/** Records the quote message of a job once; returns the job as it is now (parts may have joined since). */
export async function setQuoteMessageId(
  db: Db,
  jobId: string,
  messageId: number,
): Promise<ProtocolJobRow | undefined> {
  await db
    .updateTable('protocol_jobs')
    .set({ quote_message_id: messageId })
    .where('id', '=', jobId)
    .where('quote_message_id', 'is', null)
    .execute();
  return db.selectFrom('protocol_jobs').selectAll().where('id', '=', jobId).executeTakeFirst();
}

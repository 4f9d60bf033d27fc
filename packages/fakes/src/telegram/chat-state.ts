import type { Message } from 'grammy/types';
import type { AnyReplyMarkup, CallbackAnswer, ChatInvoice, ChatMedia, ChatMessage } from './types.ts';

/** A message in a chat as the fake stores it. */
export interface ChatEntry {
  /** The Message object as Telegram would return it now. */
  raw: Record<string, unknown>;
  fromBot: boolean;
  /** Chat-wide change counter at the last send, edit or delete. */
  seq: number;
  editedCount: number;
  deleted: boolean;
  source?: string;
  parseMode?: string;
  replyMarkup?: AnyReplyMarkup;
  media?: ChatMedia;
  invoice?: ChatInvoice;
  /** Bot messages: trace ids of the calls that sent and edited it, distinct, oldest first. */
  traceIds?: string[];
  /** User messages: the update that delivered it to the bot. */
  updateId?: number;
}

/** One chat of one bot: its messages, button answers and chat actions. */
export class ChatState {
  readonly id: number;
  readonly messages = new Map<number, ChatEntry>();
  readonly callbackAnswers: CallbackAnswer[] = [];
  readonly chatActions: string[] = [];
  /** `seq` when the user last did something; waitForMessage looks at changes after it. */
  userActionSeq = 0;
  private seq = 0;
  private nextMessageId = 1;

  constructor(id: number) {
    this.id = id;
  }

  /** message_id increases per chat, shared by both sides. */
  newMessageId(): number {
    return this.nextMessageId++;
  }

  /** Marks an entry as changed now; `traceId` is the trace of the call that changed it. */
  touch(entry: ChatEntry, traceId?: string): void {
    entry.seq = ++this.seq;
    if (traceId && !entry.traceIds?.includes(traceId)) entry.traceIds = [...(entry.traceIds ?? []), traceId];
  }

  markUserAction(): void {
    this.userActionSeq = this.seq;
  }

  add(entry: ChatEntry, traceId?: string): void {
    this.touch(entry, traceId);
    this.messages.set(entry.raw.message_id as number, entry);
  }

  /** Bot messages, oldest first. */
  botEntries(): ChatEntry[] {
    return [...this.messages.values()].filter((e) => e.fromBot);
  }

  /** The chat as plain data for a restart (fake-persistence.ts); button answers and actions are not kept. */
  save(): SavedChat {
    return {
      id: this.id,
      seq: this.seq,
      nextMessageId: this.nextMessageId,
      userActionSeq: this.userActionSeq,
      messages: [...this.messages.values()],
    };
  }

  /** A chat from `save()`: ids and change counters go on where they stopped, as Telegram's do. */
  static load(saved: SavedChat): ChatState {
    const chat = new ChatState(saved.id);
    for (const entry of saved.messages) chat.messages.set(entry.raw.message_id as number, entry);
    const highestId = Math.max(0, ...chat.messages.keys());
    chat.nextMessageId = Math.max(saved.nextMessageId, highestId + 1);
    chat.seq = Math.max(saved.seq, ...saved.messages.map((e) => e.seq));
    chat.userActionSeq = Math.min(saved.userActionSeq, chat.seq);
    return chat;
  }
}

/** What `ChatState.save()` keeps. */
export interface SavedChat {
  id: number;
  seq: number;
  nextMessageId: number;
  userActionSeq: number;
  messages: ChatEntry[];
}

/** The public view of a stored bot message (a snapshot). */
export function toChatMessage(entry: ChatEntry): ChatMessage {
  const raw = structuredClone(entry.raw);
  return {
    messageId: raw.message_id as number,
    date: raw.date as number,
    ...(typeof raw.text === 'string' ? { text: raw.text } : {}),
    ...(typeof raw.caption === 'string' ? { caption: raw.caption } : {}),
    ...(entry.source !== undefined ? { source: entry.source } : {}),
    ...(raw.entities || raw.caption_entities
      ? { entities: (raw.entities ?? raw.caption_entities) as ChatMessage['entities'] }
      : {}),
    ...(entry.parseMode ? { parseMode: entry.parseMode } : {}),
    ...(entry.replyMarkup ? { replyMarkup: structuredClone(entry.replyMarkup) } : {}),
    ...(entry.media ? { media: { ...entry.media } } : {}),
    ...(typeof raw.media_group_id === 'string' ? { mediaGroupId: raw.media_group_id } : {}),
    ...(entry.invoice ? { invoice: structuredClone(entry.invoice) } : {}),
    ...(raw.reply_to_message
      ? { replyToMessageId: (raw.reply_to_message as { message_id: number }).message_id }
      : {}),
    editedCount: entry.editedCount,
    deleted: entry.deleted,
    ...(entry.traceIds ? { traceIds: [...entry.traceIds] } : {}),
    raw: raw as unknown as Message,
  };
}

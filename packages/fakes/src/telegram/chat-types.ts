import type {
  ForceReply,
  InlineKeyboardMarkup,
  LabeledPrice,
  Message,
  MessageEntity,
  ReplyKeyboardMarkup,
  ReplyKeyboardRemove,
} from 'grammy/types';

/** An uploaded file as recorded in `ApiCall.payload`. */
export interface UploadDescriptor {
  filename: string;
  size: number;
  mimeType: string;
}

/** Reply markup as the bot sent it. */
export type AnyReplyMarkup = InlineKeyboardMarkup | ReplyKeyboardMarkup | ReplyKeyboardRemove | ForceReply;

/** Media attached to a bot message. */
export interface ChatMedia {
  kind: 'photo' | 'video' | 'audio' | 'document' | 'animation' | 'voice' | 'sticker';
  /** How the bot supplied the file. */
  sentAs: 'url' | 'file_id' | 'upload';
  url?: string;
  /** The file_id Telegram assigned (for photos: the largest size). */
  fileId: string;
  upload?: UploadDescriptor;
}

/** An invoice the bot sent. */
export interface ChatInvoice {
  title: string;
  description: string;
  currency: string;
  totalAmount: number;
  payload: string;
  prices: LabeledPrice[];
}

/** A bot message in a chat, in its current state (edits applied). */
export interface ChatMessage {
  messageId: number;
  date: number;
  /** Text as the user sees it (after parse_mode). */
  text?: string;
  caption?: string;
  /** Text or caption exactly as the bot sent it, before parse_mode. */
  source?: string;
  entities?: MessageEntity[];
  parseMode?: string;
  replyMarkup?: AnyReplyMarkup;
  media?: ChatMedia;
  mediaGroupId?: string;
  invoice?: ChatInvoice;
  replyToMessageId?: number;
  editedCount: number;
  deleted: boolean;
  /** Trace ids of the Bot API calls that sent and edited it (W3C `traceparent`), oldest first, distinct. */
  traceIds?: string[];
  /** The Message object as Telegram would return it now. */
  raw: Message;
}

/** An answerCallbackQuery call. */
export interface CallbackAnswer {
  queryId: string;
  text?: string;
  showAlert?: boolean;
  url?: string;
}

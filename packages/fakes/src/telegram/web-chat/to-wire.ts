import type { ChatEntry } from '../chat-state.ts';
import type { FileStore } from '../file-store.ts';
import type { WireButton, WireEntity, WireMedia, WireMessage, WireTrace } from './wire.ts';

/** What turning a stored message into its wire form needs. */
export interface WireContext {
  readonly files: FileStore;
  /** A trace id with its Grafana link. */
  link(traceId: string): WireTrace;
  /** The trace of an update, once the bot made a call while handling it. */
  updateTrace(updateId: number): string | undefined;
}

/** Kinds of media a user or bot message can carry, in the order Telegram's Message fields are checked. */
const MEDIA_FIELDS = ['photo', 'video', 'animation', 'audio', 'voice', 'document', 'sticker'] as const;

/** Where the page loads a file: the web chat's own endpoint (no bot token in page URLs). */
export function fileSrc(fileId: string): string {
  return `/chat/api/files/${encodeURIComponent(fileId)}`;
}

/** A stored message (bot's or user's) as the page renders it. */
export function toWireMessage(entry: ChatEntry, ctx: WireContext): WireMessage {
  const raw = entry.raw as Record<string, unknown> & { message_id: number; date: number };
  const text = typeof raw.text === 'string' ? raw.text : typeof raw.caption === 'string' ? raw.caption : '';
  const entities = (raw.entities ?? raw.caption_entities) as WireEntity[] | undefined;
  const media = mediaOf(entry, ctx.files);
  const service = serviceText(raw);
  const keyboard = keyboardOf(entry);
  const traceIds = entry.fromBot
    ? (entry.traceIds ?? [])
    : [entry.updateId === undefined ? undefined : ctx.updateTrace(entry.updateId)].filter(
        (id): id is string => id !== undefined,
      );
  return {
    id: raw.message_id,
    fromBot: entry.fromBot,
    date: raw.date,
    ...(text ? { text } : {}),
    ...(entities?.length ? { entities } : {}),
    ...(media ? { media } : {}),
    ...(entry.invoice
      ? {
          invoice: {
            title: entry.invoice.title,
            description: entry.invoice.description,
            currency: entry.invoice.currency,
            totalAmount: entry.invoice.totalAmount,
          },
        }
      : {}),
    ...(service ? { service } : {}),
    ...(keyboard ? { keyboard } : {}),
    edited: entry.editedCount > 0,
    deleted: entry.deleted,
    traces: traceIds.map((id) => ctx.link(id)),
    ...(entry.updateId !== undefined ? { updateId: entry.updateId } : {}),
  };
}

/** The price as Telegram's Pay button shows it: ⭐ for Stars, else amount and currency. */
export function priceLabel(currency: string, amount: number): string {
  return currency === 'XTR' ? `⭐ ${amount}` : `${amount} ${currency}`;
}

function mediaOf(entry: ChatEntry, files: FileStore): WireMedia | undefined {
  // Bot messages remember how the file was sent; user messages only have the Message fields.
  let kind: string | undefined = entry.media?.kind;
  let fileId = entry.media?.fileId;
  if (!kind) {
    for (const field of MEDIA_FIELDS) {
      const value = entry.raw[field] as { file_id?: string } | Array<{ file_id?: string }> | undefined;
      const file = Array.isArray(value) ? value.at(-1) : value;
      if (file?.file_id) {
        kind = field;
        fileId = file.file_id;
        break;
      }
    }
  }
  if (!kind || !fileId) return undefined;
  const stored = files.get(fileId);
  const fileName = stored?.fileName ?? entry.media?.upload?.filename;
  const emoji = (entry.raw.sticker as { emoji?: string } | undefined)?.emoji;
  return {
    kind,
    src: fileSrc(fileId),
    ...(emoji ? { emoji } : {}),
    ...(fileName ? { fileName } : {}),
    ...(stored?.mimeType ? { mimeType: stored.mimeType } : {}),
    ...(stored?.size !== undefined ? { size: stored.size } : {}),
  };
}

function serviceText(raw: Record<string, unknown>): string | undefined {
  const paid = raw.successful_payment as { currency: string; total_amount: number } | undefined;
  if (paid) return `You paid ${priceLabel(paid.currency, paid.total_amount)}`;
  const refunded = raw.refunded_payment as { currency: string; total_amount: number } | undefined;
  if (refunded) return `Refunded ${priceLabel(refunded.currency, refunded.total_amount)}`;
  return undefined;
}

function keyboardOf(entry: ChatEntry): WireButton[][] | undefined {
  const rows = (entry.raw.reply_markup as { inline_keyboard?: Array<Array<Record<string, unknown>>> })
    ?.inline_keyboard;
  if (rows?.length) return rows.map((row) => row.map(toButton));
  // Telegram shows a Pay button under an invoice even when the bot sent no keyboard.
  if (entry.invoice) {
    return [[{ text: `Pay ${priceLabel(entry.invoice.currency, entry.invoice.totalAmount)}`, kind: 'pay' }]];
  }
  return undefined;
}

function toButton(button: Record<string, unknown>): WireButton {
  const text = String(button.text);
  if (typeof button.callback_data === 'string') return { text, kind: 'callback', data: button.callback_data };
  if (typeof button.url === 'string') return { text, kind: 'url', url: button.url };
  if (button.pay === true) return { text, kind: 'pay' };
  return { text, kind: 'other' };
}

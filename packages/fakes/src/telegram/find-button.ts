import type { InlineKeyboardButton } from 'grammy/types';
import type { ChatEntry } from './chat-state.ts';
import type { ButtonTarget } from './types.ts';

/** The first inline button on `entry` that matches every field `target` gives. */
export function findButton(entry: ChatEntry, target: ButtonTarget): InlineKeyboardButton | undefined {
  const markup = entry.raw.reply_markup as { inline_keyboard?: InlineKeyboardButton[][] } | undefined;
  return markup?.inline_keyboard?.flat().find((b) => {
    if (target.data !== undefined && (!('callback_data' in b) || b.callback_data !== target.data))
      return false;
    if (typeof target.text === 'string' && b.text !== target.text) return false;
    if (target.text instanceof RegExp && !target.text.test(b.text)) return false;
    return true;
  });
}

/** `target` as an error message quotes it, e.g. `{ text: "Buy", messageId: 3 }`. */
export function describeTarget(target: ButtonTarget): string {
  const parts = Object.entries(target).map(
    ([k, v]) => `${k}: ${v instanceof RegExp ? String(v) : JSON.stringify(v)}`,
  );
  return `{ ${parts.join(', ')} }`;
}

import { badRequest } from './api-error.ts';
import type { Params } from './params.ts';
import type { AnyReplyMarkup } from './types.ts';

/** Fields that make an inline button do something; a button needs exactly one. */
const INLINE_ACTIONS = [
  'url',
  'callback_data',
  'web_app',
  'login_url',
  'switch_inline_query',
  'switch_inline_query_current_chat',
  'switch_inline_query_chosen_chat',
  'copy_text',
  'callback_game',
  'pay',
];

/** Reads and validates `reply_markup` the way the Bot API rejects bad keyboards. */
export function readReplyMarkup(params: Params): AnyReplyMarkup | undefined {
  const markup = params.json<unknown>('reply_markup', 'reply keyboard markup');
  if (markup === undefined) return undefined;
  if (markup === null || typeof markup !== 'object' || Array.isArray(markup)) {
    throw badRequest("can't parse reply keyboard markup JSON object");
  }
  if ('inline_keyboard' in markup) {
    validateInlineKeyboard(markup.inline_keyboard);
  } else if ('keyboard' in markup) {
    if (!isArrayOfArrays(markup.keyboard)) {
      throw badRequest('field "keyboard" of the ReplyKeyboardMarkup should be an Array of Arrays');
    }
  } else if (!('remove_keyboard' in markup) && !('force_reply' in markup)) {
    throw badRequest("can't parse reply keyboard markup JSON object");
  }
  return markup as AnyReplyMarkup;
}

/** Only inline keyboards are part of a Message object and can be edited. */
export function inlineOnly(markup: AnyReplyMarkup | undefined): AnyReplyMarkup | undefined {
  return markup && 'inline_keyboard' in markup ? markup : undefined;
}

function validateInlineKeyboard(rows: unknown): void {
  if (!isArrayOfArrays(rows)) {
    throw badRequest('field "inline_keyboard" of the InlineKeyboardMarkup should be an Array of Arrays');
  }
  for (const button of rows.flat()) {
    if (button === null || typeof button !== 'object' || Array.isArray(button)) {
      throw badRequest("can't parse inline keyboard button: InlineKeyboardButton should be an Object");
    }
    const b = button as Record<string, unknown>;
    if (typeof b.text !== 'string') {
      throw badRequest(`can't parse inline keyboard button: Field "text" must be of type String`);
    }
    if (!INLINE_ACTIONS.some((field) => b[field] !== undefined)) {
      throw badRequest(
        "can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard",
      );
    }
    if (b.callback_data !== undefined) {
      const bytes = typeof b.callback_data === 'string' ? Buffer.byteLength(b.callback_data) : 0;
      if (bytes < 1 || bytes > 64) throw badRequest('BUTTON_DATA_INVALID');
    }
    if (b.url !== undefined && !isButtonUrl(b.url)) throw badRequest('BUTTON_URL_INVALID');
  }
}

function isArrayOfArrays(value: unknown): value is unknown[][] {
  return Array.isArray(value) && value.every(Array.isArray);
}

function isButtonUrl(url: unknown): boolean {
  if (typeof url !== 'string') return false;
  try {
    return ['http:', 'https:', 'tg:'].includes(new URL(url).protocol);
  } catch {
    return false;
  }
}

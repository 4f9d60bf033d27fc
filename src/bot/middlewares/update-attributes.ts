import type { Attributes } from '@opentelemetry/api';
import type { Update } from 'grammy/types';
import {
  ATTR_BOT_CALLBACK_ACTION,
  ATTR_BOT_COMMAND,
  ATTR_ENDUSER_ID,
  ATTR_TELEGRAM_CHAT_ID,
  ATTR_TELEGRAM_CHAT_TYPE,
  ATTR_TELEGRAM_UPDATE_ID,
  ATTR_TELEGRAM_UPDATE_TYPE,
  ATTR_TELEGRAM_USER_LANGUAGE,
} from '../../telemetry/attributes.ts';

/** Commands the bot knows; any other `/word` is recorded as `_unknown` so user text never reaches a span. */
export const KNOWN_COMMANDS = new Set([
  'start',
  'generate',
  'history',
  'cancel',
  'balance',
  'help',
  'language',
  'paysupport',
]);
/** Commands only ADMIN_IDS can use: recorded by name, but never in the menu everyone sees. */
export const ADMIN_COMMANDS = new Set(['admin']);

/** The update's kind: the one key besides update_id (message, callback_query, …). */
export function updateTypeOf(update: Update): string {
  for (const key of Object.keys(update)) if (key !== 'update_id') return key;
  return 'unknown';
}

type Inner = {
  chat?: { id: number; type: string };
  message?: { chat?: { id: number; type: string } };
  from?: { id: number; language_code?: string };
  text?: string;
  data?: string;
};

/** The low-cardinality facts about an update that go on its span: ids and kinds, never text. */
export function updateAttributes(update: Update): Attributes {
  const type = updateTypeOf(update);
  const inner = (update as unknown as Record<string, Inner | undefined>)[type];
  const chat = inner?.chat ?? inner?.message?.chat;
  const attrs: Attributes = {
    [ATTR_TELEGRAM_UPDATE_ID]: update.update_id,
    [ATTR_TELEGRAM_UPDATE_TYPE]: type,
  };
  if (chat) {
    attrs[ATTR_TELEGRAM_CHAT_ID] = chat.id;
    attrs[ATTR_TELEGRAM_CHAT_TYPE] = chat.type;
  }
  if (inner?.from) {
    attrs[ATTR_ENDUSER_ID] = String(inner.from.id);
    if (inner.from.language_code) attrs[ATTR_TELEGRAM_USER_LANGUAGE] = inner.from.language_code.slice(0, 16);
  }
  const command = commandOf(type === 'message' ? inner?.text : undefined);
  if (command) attrs[ATTR_BOT_COMMAND] = command;
  const action = callbackActionOf(type === 'callback_query' ? inner?.data : undefined);
  if (action) attrs[ATTR_BOT_CALLBACK_ACTION] = action;
  return attrs;
}

function commandOf(text: string | undefined): string | undefined {
  const match = text?.match(/^\/([A-Za-z0-9_]{1,32})(@\w+)?(\s|$)/);
  if (!match?.[1]) return undefined;
  const name = match[1].toLowerCase();
  return KNOWN_COMMANDS.has(name) || ADMIN_COMMANDS.has(name) ? name : '_unknown';
}

/** Callback data is `<action>:<args>`; only the action is recorded. */
function callbackActionOf(data: string | undefined): string | undefined {
  if (data === undefined) return undefined;
  const action = data.split(':', 1)[0] ?? '';
  return /^[a-z][a-z0-9_.-]{0,31}$/.test(action) ? action : '_invalid';
}

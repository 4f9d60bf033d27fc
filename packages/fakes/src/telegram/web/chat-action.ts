import type { WireTrace } from '../web-chat/wire.ts';
import { actionLine } from './page-elements.ts';
import { page } from './page-state.ts';
import { traceAnchor } from './render-message.ts';

/** How Telegram words a chat action (https://core.telegram.org/bots/api#sendchataction). */
const ACTION_WORDS: Record<string, string> = {
  typing: 'typing…',
  upload_photo: 'sending photo…',
  record_video: 'recording video…',
  upload_video: 'sending video…',
  record_voice: 'recording voice…',
  upload_voice: 'sending voice…',
  upload_document: 'sending file…',
  choose_sticker: 'choosing a sticker…',
  find_location: 'finding location…',
  record_video_note: 'recording video message…',
  upload_video_note: 'sending video message…',
};
/** Telegram shows a chat action for 5 s or until the next message. */
const ACTION_MS = 5000;

let actionTimer: ReturnType<typeof setTimeout> | undefined;

/** Shows "<bot> is typing…" (or another action) for a while; no action clears the line. */
export function showAction(action: string | undefined, trace?: WireTrace): void {
  clearTimeout(actionTimer);
  actionLine.replaceChildren();
  if (!action) return;
  actionLine.append(`${page.botName} is ${ACTION_WORDS[action] ?? `${action}…`} `);
  if (trace) actionLine.append(traceAnchor(trace));
  actionTimer = setTimeout(() => actionLine.replaceChildren(), ACTION_MS);
}

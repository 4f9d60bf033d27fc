import type { WireTrace } from '../web-chat/wire.ts';
import { ApiProblem } from './api.ts';
import { byId, list } from './page-elements.ts';
import { el, traceAnchor } from './render-message.ts';

/** A note that disappears after 5 s, with a link to its trace if it has one. */
export function toast(message: string, trace?: WireTrace, kind = 'info'): void {
  const item = el('div', `toast ${kind}`, message);
  if (trace) item.append(' ', traceAnchor(trace));
  byId('toasts').append(item);
  setTimeout(() => item.remove(), 5000);
}

/**
 * A request that did not work, told as a Telegram client would: a 409 carries the server's words for
 * the user (a message the fake no longer has); a failed fetch means the sandbox is away; anything
 * else is the sandbox's own bug, whose details go to the console, not to the chat.
 */
export function failed(error: unknown): void {
  for (const pending of list.querySelectorAll('.key.pending')) pending.classList.remove('pending');
  console.warn('[web chat]', error);
  if (error instanceof ApiProblem && error.status === 409) toast(error.message);
  else if (error instanceof ApiProblem)
    toast('That did not work. Try again in a moment.', undefined, 'error');
  else toast('The sandbox is not answering. Try again in a moment.', undefined, 'error');
}

/** An answerCallbackQuery with `show_alert`: a dialog the user must close. */
export function showAlert(message: string): void {
  const dialog = byId<HTMLDialogElement>('alert');
  byId('alert-text').textContent = message;
  dialog.showModal();
}

import type { WireMessage, WireTrace } from '../web-chat/wire.ts';
import { postJson } from './api.ts';
import { failed, toast } from './notices.ts';
import { list } from './page-elements.ts';
import { messages, page, presses } from './page-state.ts';
import { type MessageActions, renderMessage, traceAnchor } from './render-message.ts';
import { send } from './send-message.ts';

const actions: MessageActions = {
  press(message, button, element) {
    element.classList.add('pending');
    postJson('/chat/api/press', { user: page.userId, messageId: message.id, data: button.data }).catch(
      failed,
    );
  },
  pay(message, element) {
    element.classList.add('pending');
    postJson<{ approved: boolean; errorMessage?: string }>('/chat/api/pay', {
      user: page.userId,
      messageId: message.id,
    })
      .then((result) =>
        toast(result.approved ? 'Payment approved' : `Payment refused: ${result.errorMessage ?? ''}`),
      )
      .catch(failed)
      .finally(() => element.classList.remove('pending'));
  },
  command: (command) => void send(command),
};

/** Adds or replaces a message in place; focus stays on the same button when an edit redraws it. */
export function upsert(message: WireMessage): void {
  const old = document.getElementById(`msg-${message.id}`);
  if (message.deleted) {
    messages.delete(message.id);
    old?.remove();
    return;
  }
  messages.set(message.id, message);
  const item = renderMessage(message, presses.get(message.id) ?? [], actions);
  if (old) {
    const focused = old.contains(document.activeElement) ? document.activeElement : undefined;
    const keys = [...old.querySelectorAll('.key')];
    const index = focused ? keys.indexOf(focused) : -1;
    old.replaceWith(item);
    if (focused) {
      // The same position in the new keyboard (or its last button), else the message itself.
      const newKeys = item.querySelectorAll<HTMLElement>('.key');
      const target = newKeys[Math.min(Math.max(index, 0), newKeys.length - 1)] ?? item;
      target.focus();
    }
    return;
  }
  const nearBottom = list.scrollHeight - list.scrollTop - list.clientHeight < 80;
  const next = [...list.children].find((child) => Number((child as HTMLElement).dataset.id) > message.id);
  list.insertBefore(item, next ?? null);
  if (nearBottom || !message.fromBot) list.scrollTop = list.scrollHeight;
}

/** An update's trace arrived: its messages and presses link to it from now on. */
export function setTrace(updateId: number, trace: WireTrace): void {
  for (const [messageId, items] of presses)
    presses.set(
      messageId,
      items.map((p) => (p.updateId === updateId ? { ...p, trace } : p)),
    );
  for (const [id, message] of messages)
    if (message.updateId === updateId) messages.set(id, { ...message, traces: [trace] });
  for (const pending of document.querySelectorAll(`[data-update-id="${updateId}"] .trace-pending`))
    pending.replaceWith(traceAnchor(trace));
}

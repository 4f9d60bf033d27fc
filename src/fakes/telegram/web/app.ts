import type { WireEvent, WireMessage, WirePress, WireSwitch, WireTrace, WireUser } from '../web-chat/wire.ts';
import { getJson, postJson, uploadFile } from './api.ts';
import { el, type MessageActions, renderMessage, renderPress, traceAnchor } from './render-message.ts';

/** The web chat page: pick a user, talk to the bot, watch traces, switch faults. Updates arrive over SSE. */

const byId = <T extends HTMLElement>(id: string): T => document.getElementById(id) as T;
const list = byId<HTMLOListElement>('messages');
const text = byId<HTMLTextAreaElement>('text');
const userSelect = byId<HTMLSelectElement>('user-select');
const actionLine = byId<HTMLParagraphElement>('chat-action');

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

let userId = 0;
let users: readonly WireUser[] = [];
let botName = 'The bot';
let events: EventSource | undefined;
let actionTimer: ReturnType<typeof setTimeout> | undefined;
const messages = new Map<number, WireMessage>();
const presses = new Map<number, WirePress[]>();

const actions: MessageActions = {
  press(message, button, element) {
    element.classList.add('pending');
    postJson('/chat/api/press', { user: userId, messageId: message.id, data: button.data }).catch(showError);
  },
  pay(message, element) {
    element.classList.add('pending');
    postJson<{ approved: boolean; errorMessage?: string }>('/chat/api/pay', {
      user: userId,
      messageId: message.id,
    })
      .then((result) =>
        toast(result.approved ? 'Payment approved' : `Payment refused: ${result.errorMessage ?? ''}`),
      )
      .catch(showError)
      .finally(() => element.classList.remove('pending'));
  },
  command: (command) => void send(command),
};

function handle(event: WireEvent): void {
  switch (event.type) {
    case 'snapshot':
      botName = event.botName;
      // A marker for tests and scripts: the page has shown a chat.
      document.body.dataset.ready = 'true';
      byId('bot-name').textContent = botName;
      document.title = `${event.user.name} — sandbox chat`;
      messages.clear();
      presses.clear();
      list.replaceChildren();
      for (const press of event.presses)
        presses.set(press.messageId, [...(presses.get(press.messageId) ?? []), press]);
      for (const message of event.messages) upsert(message);
      renderSwitches(event.switches);
      list.scrollTop = list.scrollHeight;
      return;
    case 'message':
      upsert(event.message);
      if (event.message.fromBot) showAction(undefined);
      return;
    case 'press':
      presses.set(event.press.messageId, [...(presses.get(event.press.messageId) ?? []), event.press]);
      byId(`msg-${event.press.messageId}`)?.querySelector('.presses')?.append(renderPress(event.press));
      return;
    case 'trace':
      setTrace(event.updateId, event.trace);
      return;
    case 'action':
      showAction(event.action, event.trace);
      return;
    case 'answer':
      for (const pending of list.querySelectorAll('.key.pending')) pending.classList.remove('pending');
      if (event.text && event.showAlert) showAlert(event.text);
      else if (event.text) toast(event.text, event.trace);
      if (event.url) toast(`The bot asked to open ${event.url}`);
      return;
    case 'switches':
      renderSwitches(event.switches);
      return;
    case 'users':
      renderUsers(event.users);
      return;
  }
}

/** Adds or replaces a message in place; focus stays on the same button when an edit redraws it. */
function upsert(message: WireMessage): void {
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

function setTrace(updateId: number, trace: WireTrace): void {
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

function showAction(action: string | undefined, trace?: WireTrace): void {
  clearTimeout(actionTimer);
  actionLine.replaceChildren();
  if (!action) return;
  actionLine.append(`${botName} is ${ACTION_WORDS[action] ?? `${action}…`} `);
  if (trace) actionLine.append(traceAnchor(trace));
  actionTimer = setTimeout(() => actionLine.replaceChildren(), ACTION_MS);
}

function toast(message: string, trace?: WireTrace, kind = 'info'): void {
  const item = el('div', `toast ${kind}`, message);
  if (trace) item.append(' ', traceAnchor(trace));
  byId('toasts').append(item);
  setTimeout(() => item.remove(), 5000);
}

function showError(error: unknown): void {
  for (const pending of list.querySelectorAll('.key.pending')) pending.classList.remove('pending');
  toast(error instanceof Error ? error.message : String(error), undefined, 'error');
}

function showAlert(message: string): void {
  const dialog = byId<HTMLDialogElement>('alert');
  byId('alert-text').textContent = message;
  dialog.showModal();
}

function renderUsers(list: readonly WireUser[]): void {
  users = list;
  userSelect.replaceChildren(
    ...list.map((u) => {
      const option = el('option', undefined, `${u.name} (${u.id}, ${u.language})`);
      option.value = String(u.id);
      return option;
    }),
  );
  if (userId) userSelect.value = String(userId);
}

function renderSwitches(switches: readonly WireSwitch[]): void {
  const groups = new Map<string, WireSwitch[]>();
  for (const s of switches) groups.set(s.group, [...(groups.get(s.group) ?? []), s]);
  const focusedId = (document.activeElement as HTMLElement | null)?.dataset.switch;
  byId('switches').replaceChildren(
    ...[...groups].map(([group, items]) => {
      const fieldset = el('fieldset');
      fieldset.append(el('legend', undefined, group));
      for (const s of items) {
        const label = el('label', 'switch');
        const box = el('input');
        box.type = 'checkbox';
        box.checked = s.on;
        box.dataset.switch = s.id;
        box.addEventListener('change', () =>
          postJson(`/chat/api/switches/${encodeURIComponent(s.id)}`, { on: box.checked }).catch(showError),
        );
        label.append(box, ` ${s.label}`);
        if (s.description) label.append(el('small', undefined, s.description));
        fieldset.append(label);
      }
      return fieldset;
    }),
  );
  if (focusedId) document.querySelector<HTMLElement>(`[data-switch="${focusedId}"]`)?.focus();
}

/** Talks as another user: a new event stream for their chat. */
function select(id: number): void {
  userId = id;
  userSelect.value = String(id);
  localStorage.setItem('web-chat-user', String(id));
  events?.close();
  events = new EventSource(`/chat/api/events?user=${id}`);
  events.onmessage = (e) => handle(JSON.parse(e.data) as WireEvent);
}

async function send(message: string): Promise<void> {
  if (!message.trim()) return;
  await postJson('/chat/api/messages', { user: userId, text: message }).catch(showError);
}

function sendFile(kind: 'photo' | 'document', input: HTMLInputElement): void {
  const file = input.files?.[0];
  if (!file) return;
  const caption = text.value.trim();
  text.value = '';
  uploadFile(userId, kind, file, caption)
    .catch(showError)
    .finally(() => {
      input.value = '';
    });
}

/** Wires the page, then loads users and switches and opens the chat of the remembered (or first) user. */
async function main(): Promise<void> {
  userSelect.addEventListener('change', () => select(Number(userSelect.value)));
  byId<HTMLFormElement>('user-form').addEventListener('submit', (e) => {
    e.preventDefault();
    const form = new FormData(e.target as HTMLFormElement);
    const id = Number(form.get('id'));
    postJson<{ user: WireUser }>('/chat/api/users', {
      id,
      name: form.get('name'),
      language: form.get('language'),
    })
      .then(({ user }) => {
        // Listed at once: the other pages learn of the user over their event streams.
        renderUsers([...users.filter((u) => u.id !== user.id), user]);
        select(id);
        byId<HTMLDetailsElement>('new-user').open = false;
        text.focus();
      })
      .catch(showError);
  });
  byId<HTMLFormElement>('composer').addEventListener('submit', (e) => {
    e.preventDefault();
    const message = text.value;
    text.value = '';
    void send(message);
  });
  text.addEventListener('keydown', (e) => {
    // Enter sends, Shift+Enter is a new line; not while an IME is composing.
    if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
      e.preventDefault();
      byId<HTMLFormElement>('composer').requestSubmit();
    }
  });
  const photo = byId<HTMLInputElement>('photo-input');
  const documentInput = byId<HTMLInputElement>('document-input');
  byId('send-photo').addEventListener('click', () => photo.click());
  byId('send-document').addEventListener('click', () => documentInput.click());
  photo.addEventListener('change', () => sendFile('photo', photo));
  documentInput.addEventListener('change', () => sendFile('document', documentInput));

  const state = await getJson<{ users: WireUser[]; switches: WireSwitch[]; grafanaUrl: string }>(
    '/chat/api/state',
  );
  const grafana = byId<HTMLAnchorElement>('grafana-link');
  grafana.href = state.grafanaUrl;
  grafana.textContent = state.grafanaUrl;
  renderSwitches(state.switches);
  let known = state.users;
  if (known.length === 0) {
    const { user } = await postJson<{ user: WireUser }>('/chat/api/users', {
      id: 1001,
      name: 'You',
      language: 'en',
    });
    known = [user];
  }
  renderUsers([...known, ...users.filter((u) => !known.some((k) => k.id === u.id))]);
  // Unless a user was created in the meantime, back to the one this browser used last.
  if (userId) return;
  const saved = known.find((u) => u.id === Number(localStorage.getItem('web-chat-user')));
  select((saved ?? (known[0] as WireUser)).id);
}

main().catch(showError);

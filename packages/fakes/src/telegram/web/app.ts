import type { WireEvent, WireMessage, WirePress, WireSwitch, WireTrace, WireUser } from '../web-chat/wire.ts';
import { ApiProblem, getJson, postJson, uploadFile } from './api.ts';
import { el, type MessageActions, renderMessage, renderPress, traceAnchor } from './render-message.ts';

/** The web chat page: pick a user, talk to the bot, watch traces, switch faults. Updates arrive over SSE. */

const byId = <T extends HTMLElement>(id: string): T => document.getElementById(id) as T;
const list = byId<HTMLOListElement>('messages');
const text = byId<HTMLTextAreaElement>('text');
const userSelect = byId<HTMLSelectElement>('user-select');
const actionLine = byId<HTMLParagraphElement>('chat-action');
const connection = byId<HTMLParagraphElement>('connection');

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
/** How often a page whose event stream gave up asks whether the sandbox is back. */
const RECONNECT_MS = 1000;

/** What `GET /chat/api/state` answers. */
interface ChatState {
  users: WireUser[];
  switches: WireSwitch[];
  grafanaUrl: string;
  firstUser: WireUser;
  adminIds: number[];
  stickers: string[];
}

let userId = 0;
let users: readonly WireUser[] = [];
let botName = 'The bot';
let events: EventSource | undefined;
let adminIds: readonly number[] = [];
let reconnectTimer: ReturnType<typeof setTimeout> | undefined;
let actionTimer: ReturnType<typeof setTimeout> | undefined;
const messages = new Map<number, WireMessage>();
const presses = new Map<number, WirePress[]>();

const actions: MessageActions = {
  press(message, button, element) {
    element.classList.add('pending');
    postJson('/chat/api/press', { user: userId, messageId: message.id, data: button.data }).catch(failed);
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
      .catch(failed)
      .finally(() => element.classList.remove('pending'));
  },
  command: (command) => void send(command),
};

function handle(event: WireEvent): void {
  switch (event.type) {
    case 'snapshot':
      // The stream is (back) up: after a sandbox restart this redraws the chat the fake kept.
      setConnected(true);
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
      renderAdminNote();
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

/**
 * A request that did not work, told as a Telegram client would: a 409 carries the server's words for
 * the user (a message the fake no longer has); a failed fetch means the sandbox is away; anything
 * else is the sandbox's own bug, whose details go to the console, not to the chat.
 */
function failed(error: unknown): void {
  for (const pending of list.querySelectorAll('.key.pending')) pending.classList.remove('pending');
  console.warn('[web chat]', error);
  if (error instanceof ApiProblem && error.status === 409) toast(error.message);
  else if (error instanceof ApiProblem)
    toast('That did not work. Try again in a moment.', undefined, 'error');
  else toast('The sandbox is not answering. Try again in a moment.', undefined, 'error');
}

/** The "disconnected" notice: shown while the event stream is down, gone once a snapshot arrives. */
function setConnected(connected: boolean): void {
  connection.hidden = connected;
  document.body.dataset.connected = String(connected);
  if (connected) {
    clearTimeout(reconnectTimer);
    reconnectTimer = undefined;
    // Users, switches and admins may have changed while the sandbox was away.
    getJson<ChatState>('/chat/api/state')
      .then((state) => {
        adminIds = state.adminIds;
        renderAdminNote();
        renderSwitches(state.switches);
        renderUsers(state.users);
      })
      .catch(() => {});
  }
}

/**
 * The stream dropped. EventSource retries by itself while the server is unreachable; when it gives
 * up (the sandbox came back without this page's user, say), the page waits for the sandbox and
 * reloads itself.
 */
function onStreamError(source: EventSource): void {
  if (source !== events) return;
  setConnected(false);
  if (source.readyState !== EventSource.CLOSED || reconnectTimer) return;
  const retry = (): void => {
    reconnectTimer = setTimeout(() => {
      fetch('/chat/api/state')
        .then((answer) => (answer.ok ? location.reload() : retry()))
        .catch(retry);
    }, RECONNECT_MS);
  };
  retry();
}

/** "You are the admin": the sandbox puts the web chat's first user in the bot's ADMIN_IDS. */
function renderAdminNote(): void {
  const note = byId('admin-note');
  note.hidden = !adminIds.includes(userId);
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
          postJson(`/chat/api/switches/${encodeURIComponent(s.id)}`, { on: box.checked }).catch(failed),
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
  renderAdminNote();
  events?.close();
  const source = new EventSource(`/chat/api/events?user=${id}`);
  events = source;
  source.onmessage = (e) => handle(JSON.parse(e.data) as WireEvent);
  source.onerror = () => onStreamError(source);
}

async function send(message: string): Promise<void> {
  if (!message.trim()) return;
  await postJson('/chat/api/messages', { user: userId, text: message }).catch((error: unknown) => {
    // Not sent: the text goes back into the box (unless something new was typed) to send again.
    if (!text.value) text.value = message;
    failed(error);
  });
}

function sendSticker(emoji: string): void {
  byId<HTMLDetailsElement>('stickers').open = false;
  postJson('/chat/api/stickers', { user: userId, emoji }).catch(failed);
  text.focus();
}

function renderStickers(emoji: readonly string[]): void {
  byId('sticker-list').replaceChildren(
    ...emoji.map((e) => {
      const b = el('button', 'sticker-choice', e);
      b.type = 'button';
      b.setAttribute('aria-label', `Send sticker ${e}`);
      b.addEventListener('click', () => sendSticker(e));
      return b;
    }),
  );
}

function sendFile(kind: 'photo' | 'document', input: HTMLInputElement): void {
  const file = input.files?.[0];
  if (!file) return;
  const caption = text.value.trim();
  text.value = '';
  uploadFile(userId, kind, file, caption)
    .catch(failed)
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
      // The form's own mistakes (a bad id) are for the person filling it in.
      .catch((error: unknown) =>
        error instanceof ApiProblem && error.status === 400 ? toast(error.message) : failed(error),
      );
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
  byId('admin-command').addEventListener('click', () => void send('/admin'));
  // Phones: the fault switches are a panel over the chat, opened from the header.
  const faultsButton = byId('faults-button');
  faultsButton.addEventListener('click', () => {
    const open = document.body.classList.toggle('faults-open');
    faultsButton.setAttribute('aria-expanded', String(open));
  });
  const photo = byId<HTMLInputElement>('photo-input');
  const documentInput = byId<HTMLInputElement>('document-input');
  byId('send-photo').addEventListener('click', () => photo.click());
  byId('send-document').addEventListener('click', () => documentInput.click());
  photo.addEventListener('change', () => sendFile('photo', photo));
  documentInput.addEventListener('change', () => sendFile('document', documentInput));

  const state = await getJson<ChatState>('/chat/api/state');
  const grafana = byId<HTMLAnchorElement>('grafana-link');
  grafana.href = state.grafanaUrl;
  grafana.textContent = state.grafanaUrl;
  adminIds = state.adminIds;
  renderSwitches(state.switches);
  renderStickers(state.stickers);
  let known = state.users;
  if (known.length === 0) {
    // The first user of a fresh sandbox: the one the sandbox made an admin.
    const { user } = await postJson<{ user: WireUser }>('/chat/api/users', state.firstUser);
    known = [user];
  }
  renderUsers([...known, ...users.filter((u) => !known.some((k) => k.id === u.id))]);
  // Unless a user was created in the meantime, back to the one this browser used last.
  if (userId) return;
  const saved = known.find((u) => u.id === Number(localStorage.getItem('web-chat-user')));
  select((saved ?? (known[0] as WireUser)).id);
}

main().catch(failed);

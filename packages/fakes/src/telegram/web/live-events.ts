import type { WireEvent } from '../web-chat/wire.ts';
import { getJson } from './api.ts';
import { showAction } from './chat-action.ts';
import { setTrace, upsert } from './message-list.ts';
import { showAlert, toast } from './notices.ts';
import { byId, connection, list, userSelect } from './page-elements.ts';
import { type ChatState, messages, page, presses } from './page-state.ts';
import { renderPress } from './render-message.ts';
import { renderAdminNote, renderSwitches, renderUsers } from './side-panel.ts';

/** How often a page whose event stream gave up asks whether the sandbox is back. */
const RECONNECT_MS = 1000;

let events: EventSource | undefined;
let reconnectTimer: ReturnType<typeof setTimeout> | undefined;

/** Talks as another user: a new event stream for their chat. */
export function select(id: number): void {
  page.userId = id;
  userSelect.value = String(id);
  localStorage.setItem('web-chat-user', String(id));
  renderAdminNote();
  events?.close();
  const source = new EventSource(`/chat/api/events?user=${id}`);
  events = source;
  source.onmessage = (e) => handle(JSON.parse(e.data) as WireEvent);
  source.onerror = () => onStreamError(source);
}

function handle(event: WireEvent): void {
  switch (event.type) {
    case 'snapshot':
      // The stream is (back) up: after a sandbox restart this redraws the chat the fake kept.
      setConnected(true);
      page.botName = event.botName;
      // A marker for tests and scripts: the page has shown a chat.
      document.body.dataset.ready = 'true';
      byId('bot-name').textContent = page.botName;
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
        page.adminIds = state.adminIds;
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

import type { WireUser } from '../web-chat/wire.ts';
import { ApiProblem, getJson, postJson } from './api.ts';
import { select } from './live-events.ts';
import { failed, toast } from './notices.ts';
import { byId, text, userSelect } from './page-elements.ts';
import { type ChatState, page } from './page-state.ts';
import { send, sendFile } from './send-message.ts';
import { renderStickers, renderSwitches, renderUsers } from './side-panel.ts';

/** The web chat page: pick a user, talk to the bot, watch traces, switch faults. Updates arrive over SSE. */

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
        renderUsers([...page.users.filter((u) => u.id !== user.id), user]);
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
  page.adminIds = state.adminIds;
  renderSwitches(state.switches);
  renderStickers(state.stickers);
  let known = state.users;
  if (known.length === 0) {
    // The first user of a fresh sandbox: the one the sandbox made an admin.
    const { user } = await postJson<{ user: WireUser }>('/chat/api/users', state.firstUser);
    known = [user];
  }
  renderUsers([...known, ...page.users.filter((u) => !known.some((k) => k.id === u.id))]);
  // Unless a user was created in the meantime, back to the one this browser used last.
  if (page.userId) return;
  const saved = known.find((u) => u.id === Number(localStorage.getItem('web-chat-user')));
  select((saved ?? (known[0] as WireUser)).id);
}

main().catch(failed);

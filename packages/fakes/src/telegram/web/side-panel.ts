import type { WireSwitch, WireUser } from '../web-chat/wire.ts';
import { postJson } from './api.ts';
import { failed } from './notices.ts';
import { byId, userSelect } from './page-elements.ts';
import { page } from './page-state.ts';
import { el } from './render-message.ts';
import { sendSticker } from './send-message.ts';

/** "You are the admin": the sandbox puts the web chat's first user in the bot's ADMIN_IDS. */
export function renderAdminNote(): void {
  const note = byId('admin-note');
  note.hidden = !page.adminIds.includes(page.userId);
}

/** The "Talk as" list; the current user stays selected. */
export function renderUsers(list: readonly WireUser[]): void {
  page.users = list;
  userSelect.replaceChildren(
    ...list.map((u) => {
      const option = el('option', undefined, `${u.name} (${u.id}, ${u.language})`);
      option.value = String(u.id);
      return option;
    }),
  );
  if (page.userId) userSelect.value = String(page.userId);
}

/** The fault switches, by group; focus stays on the switch that had it. */
export function renderSwitches(switches: readonly WireSwitch[]): void {
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

/** The sticker panel's choices. */
export function renderStickers(emoji: readonly string[]): void {
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

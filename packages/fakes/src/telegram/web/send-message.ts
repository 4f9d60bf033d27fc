import { postJson, uploadFile } from './api.ts';
import { failed } from './notices.ts';
import { byId, text } from './page-elements.ts';
import { page } from './page-state.ts';

/** Sends a text as the current user; if it does not go, it comes back into the box. */
export async function send(message: string): Promise<void> {
  if (!message.trim()) return;
  await postJson('/chat/api/messages', { user: page.userId, text: message }).catch((error: unknown) => {
    // Not sent: the text goes back into the box (unless something new was typed) to send again.
    if (!text.value) text.value = message;
    failed(error);
  });
}

/** Sends a sticker chosen from the sticker panel, which closes. */
export function sendSticker(emoji: string): void {
  byId<HTMLDetailsElement>('stickers').open = false;
  postJson('/chat/api/stickers', { user: page.userId, emoji }).catch(failed);
  text.focus();
}

/** Uploads the file picked in `input`; the text in the box goes with it as its caption. */
export function sendFile(kind: 'photo' | 'document', input: HTMLInputElement): void {
  const file = input.files?.[0];
  if (!file) return;
  const caption = text.value.trim();
  text.value = '';
  uploadFile(page.userId, kind, file, caption)
    .catch(failed)
    .finally(() => {
      input.value = '';
    });
}

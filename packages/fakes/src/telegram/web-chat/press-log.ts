import type { FakeCore } from '../fake-core.ts';
import type { WirePress } from './wire.ts';

/** Kept per chat / overall; a sandbox may run for days. */
const MAX_PRESSES_PER_CHAT = 500;
const MAX_REMEMBERED_UPDATES = 10_000;

/**
 * What the web chat keeps besides the fake's messages: each chat's button presses and payments
 * (they are updates, not messages), saved with the fake's data dir, and which chat each recent
 * update came from, so a trace found later reaches the right page.
 */
export class PressLog {
  readonly #core: FakeCore;
  readonly #presses = new Map<number, WirePress[]>();
  /** update_id → chat. */
  readonly #updateChats = new Map<number, number>();

  constructor(core: FakeCore) {
    this.#core = core;
    core.persistence?.section('webChat', {
      save: () => ({ presses: [...this.#presses] }),
      load: (saved) => {
        for (const [chatId, list] of (saved as { presses: Array<[number, WirePress[]]> }).presses)
          this.#presses.set(chatId, list);
      },
    });
  }

  /** The presses in one chat, oldest first. */
  of(chatId: number): readonly WirePress[] {
    return this.#presses.get(chatId) ?? [];
  }

  /** Keeps a press (dropping the chat's oldest past the limit) and remembers its update's chat. */
  add(chatId: number, press: WirePress): void {
    this.remember(press.updateId, chatId);
    this.#core.persistence?.changed();
    const list = this.#presses.get(chatId) ?? [];
    list.push(press);
    if (list.length > MAX_PRESSES_PER_CHAT) list.shift();
    this.#presses.set(chatId, list);
  }

  /** Notes which chat an update came from (the oldest is forgotten past the limit). */
  remember(updateId: number, chatId: number): void {
    this.#updateChats.set(updateId, chatId);
    if (this.#updateChats.size > MAX_REMEMBERED_UPDATES)
      this.#updateChats.delete(this.#updateChats.keys().next().value as number);
  }

  /** The chat a remembered update came from. */
  chatOf(updateId: number): number | undefined {
    return this.#updateChats.get(updateId);
  }
}

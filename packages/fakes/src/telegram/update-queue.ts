import type { Update } from 'grammy/types';

/** Update types sent only when asked for by name (https://core.telegram.org/bots/api#getupdates). */
const OPT_IN = new Set(['chat_member', 'message_reaction', 'message_reaction_count']);

/** The update's type: its one field besides update_id. */
export function updateType(update: Update): string {
  return Object.keys(update).find((k) => k !== 'update_id') ?? 'unknown';
}

/** The chat (or, failing that, the user) an update belongs to; webhooks deliver one at a time per key. */
export function updateChatKey(update: Update): number | undefined {
  const payload = (update as unknown as Record<string, unknown>)[updateType(update)] as
    | { chat?: { id?: number }; message?: { chat?: { id?: number } }; from?: { id?: number } }
    | undefined;
  return payload?.chat?.id ?? payload?.message?.chat?.id ?? payload?.from?.id;
}

interface Entry {
  update: Update;
  delivered: boolean;
  /** Queued with an id chosen by the caller (a replay): kept until delivered once. */
  raw: boolean;
}

/** What `UpdateQueue.save()` keeps. */
export interface SavedQueue {
  nextId: number;
  updates: Array<{ update: Update; raw: boolean }>;
}

/** Pending updates of one bot, with getUpdates' offset and allowed_updates rules. */
export class UpdateQueue {
  private entries: Entry[] = [];
  private nextId: number;
  private allowed: Set<string> | undefined;
  private readonly waiters = new Set<() => void>();

  constructor(firstUpdateId = 1) {
    this.nextId = firstUpdateId;
  }

  get size(): number {
    return this.entries.length;
  }

  get allowedUpdates(): string[] | undefined {
    return this.allowed ? [...this.allowed] : undefined;
  }

  /** A fresh, monotonically increasing update_id. */
  nextUpdateId(): number {
    return this.nextId++;
  }

  /** Keeps generated ids above an id chosen by a raw update. */
  noteId(id: number): void {
    if (id >= this.nextId) this.nextId = id + 1;
  }

  /** `undefined` keeps the previous setting and `[]` restores the default, as Telegram does. */
  setAllowedUpdates(list: string[] | undefined): void {
    if (list === undefined) return;
    this.allowed = list.length > 0 ? new Set(list) : undefined;
  }

  isAllowed(update: Update): boolean {
    const type = updateType(update);
    return this.allowed ? this.allowed.has(type) : !OPT_IN.has(type);
  }

  /** Queues an update; false if allowed_updates filters it out. `raw`: its id was chosen by the caller. */
  push(update: Update, raw = false): boolean {
    if (!this.isAllowed(update)) return false;
    this.entries.push({ update, delivered: false, raw });
    this.wake();
    return true;
  }

  /**
   * Applies getUpdates' `offset`: updates with a lower id are forgotten. A raw update survives
   * until it has been delivered once, so duplicate-delivery tests can replay an update_id, even
   * one a getUpdates confirmed between the two copies being queued.
   */
  confirm(offset: number): void {
    if (offset < 0) {
      this.entries = this.entries.slice(offset);
      return;
    }
    if (offset === 0) return;
    this.entries = this.entries.filter((e) => !(e.update.update_id < offset && (e.delivered || !e.raw)));
  }

  /** Up to `limit` pending updates, oldest first, marked as delivered. */
  take(limit: number): Update[] {
    this.entries = this.entries.filter((e) => this.isAllowed(e.update));
    const batch = this.entries.slice(0, limit);
    for (const e of batch) e.delivered = true;
    return batch.map((e) => e.update);
  }

  /** The oldest pending update that `skip` does not reject, without marking it. */
  first(skip: (update: Update) => boolean = () => false): Update | undefined {
    this.entries = this.entries.filter((e) => this.isAllowed(e.update));
    return this.entries.find((e) => !skip(e.update))?.update;
  }

  remove(update: Update): void {
    this.entries = this.entries.filter((e) => e.update !== update);
  }

  clear(): void {
    this.entries = [];
  }

  /** The next id and the unconfirmed updates, which Telegram keeps for the bot across anything. */
  save(): SavedQueue {
    return { nextId: this.nextId, updates: this.entries.map((e) => ({ update: e.update, raw: e.raw })) };
  }

  /** Restores `save()`: ids go on after the highest one ever handed out, never reused. */
  load(saved: SavedQueue): void {
    this.entries = saved.updates.map((e) => ({ update: e.update, raw: e.raw, delivered: false }));
    const highest = Math.max(0, ...saved.updates.map((e) => e.update.update_id));
    this.nextId = Math.max(this.nextId, saved.nextId, highest + 1);
  }

  /** Resolves on the next push or `wake()`, or when `signal` aborts. */
  waitForChange(signal: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        this.waiters.delete(done);
        signal.removeEventListener('abort', done);
        resolve();
      };
      if (signal.aborted) return resolve();
      this.waiters.add(done);
      signal.addEventListener('abort', done, { once: true });
    });
  }

  /** Wakes everyone waiting (a new update, or the webhook changed). */
  wake(): void {
    for (const waiter of [...this.waiters]) waiter();
  }
}

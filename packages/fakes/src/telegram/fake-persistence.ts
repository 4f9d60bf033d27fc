import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { SavedBot } from './bot-state.ts';

/** Bumped when the saved shape changes incompatibly; an older file is then set aside, not misread. */
const VERSION = 1;
/** Changes within this long are written together: a busy chat does not rewrite the file per message. */
const DEBOUNCE_MS = 250;
const STATE_FILE = 'state.json';
const BLOBS_DIR = 'files';

/** The whole saved state (state.json). */
export interface SavedState {
  version: number;
  savedAt: string;
  core: SavedCore;
  /** Parts kept by other components (the web chat's presses), by name. */
  sections: Record<string, unknown>;
}

/** What FakeCore keeps: users, chats it knows, update traces, and every bot's state. */
export interface SavedCore {
  users: unknown[];
  knownChats: Array<[number, Record<string, unknown>]>;
  updateTraces: Array<[string, string]>;
  bots: SavedBot[];
}

/** What the persistence needs from the core (FakeCore implements it). */
export interface Persistable {
  save(blobOf: (content: Uint8Array) => string | undefined): SavedCore;
  load(saved: SavedCore, readBlob: (name: string) => Uint8Array | undefined): void;
}

/** A component that keeps a part of its own. */
export interface PersistedSection {
  save(): unknown;
  load(saved: unknown): void;
}

/**
 * Keeps the fake's state in a directory so a restarted fake (the sandbox's) shows the same chats and
 * continues its id counters. state.json is rewritten whole (temp file + rename, so a crash leaves the
 * old or the new file, never half of one), debounced; file bytes go once each under files/<sha256>.
 * A missing file starts empty; an unreadable one is set aside (state.json.corrupt-<time>) with a log line.
 */
export class FakePersistence {
  private readonly dir: string;
  private readonly warn: (message: string) => void;
  private core: Persistable | undefined;
  private readonly sections = new Map<string, PersistedSection>();
  /** Sections read from disk before their component registered. */
  private loadedSections: Record<string, unknown> = {};
  private readonly blobNames = new WeakMap<Uint8Array, string>();
  private readonly writtenBlobs = new Set<string>();
  private timer: ReturnType<typeof setTimeout> | undefined;
  private writing: Promise<void> | undefined;
  private dirty = false;
  private closed = false;

  constructor(dir: string, warn: (message: string) => void = (m) => console.warn(`[telegram-fake] ${m}`)) {
    this.dir = dir;
    this.warn = warn;
  }

  /** Loads the saved state into `core` (when there is one) and starts saving its changes. */
  attach(core: Persistable): void {
    this.core = core;
    mkdirSync(join(this.dir, BLOBS_DIR), { recursive: true });
    const path = join(this.dir, STATE_FILE);
    if (!existsSync(path)) return;
    try {
      const saved = JSON.parse(readFileSync(path, 'utf8')) as SavedState;
      if (saved.version !== VERSION) throw new Error(`version ${String(saved.version)}, expected ${VERSION}`);
      core.load(saved.core, (name) => this.readBlob(name));
      this.loadedSections = saved.sections ?? {};
    } catch (error) {
      const aside = `${path}.corrupt-${Date.now()}`;
      this.warn(
        `could not read ${path} (${error instanceof Error ? error.message : String(error)}); starting with no chats, the old file is kept as ${aside}`,
      );
      try {
        renameSync(path, aside);
      } catch {
        // It is read-only or gone: the next save overwrites or recreates it.
      }
    }
  }

  /** Registers a component's part; it gets what was saved under `name` at once. */
  section(name: string, section: PersistedSection): void {
    this.sections.set(name, section);
    if (name in this.loadedSections) {
      try {
        section.load(this.loadedSections[name]);
      } catch (error) {
        this.warn(`could not restore ${name}: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
  }

  /** Something changed: saved within DEBOUNCE_MS. */
  changed(): void {
    if (this.closed) return;
    this.dirty = true;
    this.timer ??= setTimeout(() => {
      this.timer = undefined;
      void this.flush();
    }, DEBOUNCE_MS);
    this.timer.unref();
  }

  /** Writes pending changes now (after a write in progress). */
  async flush(): Promise<void> {
    while (this.writing) await this.writing;
    if (!this.dirty || !this.core) return;
    this.dirty = false;
    const json = this.serialize();
    const path = join(this.dir, STATE_FILE);
    const temp = `${path}.tmp-${process.pid}`;
    this.writing = writeFile(temp, json)
      .then(() => rename(temp, path))
      .catch((error: unknown) => {
        this.dirty = true; // tried again with the next change or at close
        this.warn(`could not save ${path}: ${error instanceof Error ? error.message : String(error)}`);
      })
      .finally(() => {
        this.writing = undefined;
      });
    await this.writing;
  }

  /** The final write (the fake is stopping); later changes are not saved. */
  async close(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.dirty = true; // whatever happened since the last write, e.g. getUpdates confirming updates
    await this.flush();
    this.closed = true;
  }

  private serialize(): string {
    const state: SavedState = {
      version: VERSION,
      savedAt: new Date().toISOString(),
      core: (this.core as Persistable).save((content) => this.blob(content)),
      sections: {
        ...this.loadedSections,
        ...Object.fromEntries([...this.sections].map(([name, s]) => [name, s.save()])),
      },
    };
    return JSON.stringify(state);
  }

  /** Stores the bytes once under their hash (atomically) and names them. */
  private blob(content: Uint8Array): string | undefined {
    let name = this.blobNames.get(content);
    if (!name) {
      name = createHash('sha256').update(content).digest('hex');
      this.blobNames.set(content, name);
    }
    if (this.writtenBlobs.has(name)) return name;
    const path = join(this.dir, BLOBS_DIR, name);
    try {
      if (!existsSync(path)) {
        writeFileSync(`${path}.tmp`, content);
        renameSync(`${path}.tmp`, path);
      }
      this.writtenBlobs.add(name);
      return name;
    } catch (error) {
      this.warn(`could not save a file: ${error instanceof Error ? error.message : String(error)}`);
      return undefined;
    }
  }

  private readBlob(name: string): Uint8Array | undefined {
    // Names are hex hashes we wrote; anything else is not a path we follow.
    if (!/^[0-9a-f]{64}$/.test(name)) return undefined;
    try {
      const content = new Uint8Array(readFileSync(join(this.dir, BLOBS_DIR, name)));
      this.blobNames.set(content, name);
      this.writtenBlobs.add(name);
      return content;
    } catch {
      this.warn(`file ${name} is missing from ${join(this.dir, BLOBS_DIR)}: its media show a placeholder`);
      return undefined;
    }
  }
}

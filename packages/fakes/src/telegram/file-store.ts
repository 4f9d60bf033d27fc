import { randomBytes } from 'node:crypto';
import { extname } from 'node:path';
import { imageSize } from './image-size.ts';

/** Kinds of files the fake issues file_ids for. */
export type FileKind = 'photo' | 'video' | 'audio' | 'document' | 'animation' | 'voice' | 'sticker';

/** A file Telegram "stores": what getFile and the download endpoint serve. */
export interface StoredFile {
  fileId: string;
  fileUniqueId: string;
  kind: FileKind;
  /** Empty for files sent by URL: the fake never fetches them. */
  content: Uint8Array;
  /** Unknown (undefined) for files sent by URL. */
  size: number | undefined;
  filePath: string;
  mimeType?: string;
  fileName?: string;
  width?: number;
  height?: number;
  url?: string;
  /** Photos: every size of the same picture, smallest first. */
  sizes?: StoredFile[];
}

/** A stored file as plain data: its bytes live elsewhere under `blob`, photo sizes by file_id. */
export type SavedFile = Omit<StoredFile, 'content' | 'sizes'> & { blob?: string; sizes?: string[] };

/** What `FileStore.save()` keeps. */
export interface SavedFiles {
  counter: number;
  files: SavedFile[];
}

/** Metadata that comes with a new file. */
export interface FileMeta {
  mimeType?: string;
  fileName?: string;
  url?: string;
}

/** Leading bytes of real file_ids by kind, so ids look like Telegram's. */
const PREFIX: Record<FileKind, string> = {
  photo: 'AgACAgIAAxkBAA',
  video: 'BAACAgIAAxkBAA',
  audio: 'CQACAgIAAxkBAA',
  document: 'BQACAgIAAxkBAA',
  animation: 'CgACAgIAAxkBAA',
  voice: 'AwACAgIAAxkBAA',
  sticker: 'CAACAgIAAxkBAA',
};

const FOLDER: Record<FileKind, string> = {
  photo: 'photos',
  video: 'videos',
  audio: 'music',
  document: 'documents',
  animation: 'animations',
  voice: 'voice',
  sticker: 'stickers',
};

const DEFAULT_EXT: Record<FileKind, string> = {
  photo: '.jpg',
  video: '.mp4',
  audio: '.mp3',
  document: '',
  animation: '.mp4',
  voice: '.oga',
  sticker: '.webp',
};

/** Telegram's thumbnail sides ('s', 'm', 'x'); the original is kept as the largest size. */
const PHOTO_SIDES = [90, 320, 800];

/** Files of one bot, by file_id and by file_path. */
export class FileStore {
  private readonly byId = new Map<string, StoredFile>();
  private readonly byPath = new Map<string, StoredFile>();
  private counter = 0;

  get(fileId: string): StoredFile | undefined {
    return this.byId.get(fileId);
  }

  getByPath(filePath: string): StoredFile | undefined {
    return this.byPath.get(filePath);
  }

  add(kind: FileKind, content: Uint8Array, meta: FileMeta = {}): StoredFile {
    const ext = extname(meta.fileName ?? (meta.url ? new URL(meta.url).pathname : '')) || DEFAULT_EXT[kind];
    const file: StoredFile = {
      fileId: PREFIX[kind] + randomBytes(36).toString('base64url'),
      fileUniqueId: `AQAD${randomBytes(8).toString('base64url')}`,
      kind,
      content,
      size: meta.url ? undefined : content.byteLength,
      filePath: `${FOLDER[kind]}/file_${this.counter++}${ext}`,
      ...meta,
    };
    this.byId.set(file.fileId, file);
    this.byPath.set(file.filePath, file);
    return file;
  }

  /** A photo in several sizes, as Telegram makes thumbnails of every photo. */
  addPhoto(content: Uint8Array, meta: FileMeta = {}): StoredFile[] {
    const { width, height } = imageSize(content) ?? { width: 1280, height: 960 };
    const side = Math.max(width, height);
    const scales = [...PHOTO_SIDES.filter((s) => s < side).map((s) => s / side), 1];
    const sizes = scales.map((scale) => {
      const file = this.add('photo', content, { ...meta, mimeType: meta.mimeType ?? 'image/jpeg' });
      file.width = Math.max(1, Math.round(width * scale));
      file.height = Math.max(1, Math.round(height * scale));
      // Thumbnails are smaller files; the fake cannot resize, so it only scales the reported size.
      if (file.size !== undefined) file.size = Math.max(1, Math.round(file.size * scale * scale));
      return file;
    });
    for (const file of sizes) file.sizes = sizes;
    return sizes;
  }

  /** Metadata as plain data; `blobOf` stores a file's bytes and names them (undefined: no bytes). */
  save(blobOf: (content: Uint8Array) => string | undefined): SavedFiles {
    const files = [...this.byId.values()].map(({ content, sizes, ...meta }): SavedFile => {
      const blob = content.byteLength > 0 ? blobOf(content) : undefined;
      return { ...meta, ...(blob ? { blob } : {}), ...(sizes ? { sizes: sizes.map((s) => s.fileId) } : {}) };
    });
    return { counter: this.counter, files };
  }

  /**
   * Restores `save()`. A blob `readBlob` cannot find leaves the file empty: getFile still answers,
   * the download is empty and the web chat shows a placeholder.
   */
  load(saved: SavedFiles, readBlob: (name: string) => Uint8Array | undefined): void {
    const sizesOf = new Map<StoredFile, string[]>();
    for (const { blob, sizes, ...meta } of saved.files) {
      const file: StoredFile = { ...meta, content: (blob && readBlob(blob)) || new Uint8Array() };
      if (sizes) sizesOf.set(file, sizes);
      this.byId.set(file.fileId, file);
      this.byPath.set(file.filePath, file);
    }
    for (const [file, ids] of sizesOf) {
      file.sizes = ids.map((id) => this.byId.get(id)).filter((f): f is StoredFile => f !== undefined);
    }
    this.counter = Math.max(this.counter, saved.counter);
  }
}

import type { FileKind, StoredFile } from './file-store.ts';

/** Extra attributes a send* call may state (duration, performer, …). */
export interface MediaAttributes {
  duration?: number;
  width?: number;
  height?: number;
  performer?: string;
  title?: string;
  /** Stickers: the emoji the sticker stands for. @default '👍' */
  emoji?: string;
}

/** file_id, file_unique_id and file_size, as every file object has them. */
export function fileBase(file: StoredFile): Record<string, unknown> {
  return {
    file_id: file.fileId,
    file_unique_id: file.fileUniqueId,
    ...(file.size !== undefined ? { file_size: file.size } : {}),
  };
}

/** The Message fields for a file of `kind`: e.g. `{ photo: PhotoSize[] }` or `{ document: Document }`. */
export function mediaFields(
  kind: FileKind,
  file: StoredFile,
  attrs: MediaAttributes = {},
): Record<string, unknown> {
  const named = {
    ...(file.fileName ? { file_name: file.fileName } : {}),
    ...(file.mimeType ? { mime_type: file.mimeType } : {}),
  };
  switch (kind) {
    case 'photo':
      return {
        photo: (file.sizes ?? [file]).map((size) => ({
          ...fileBase(size),
          width: size.width,
          height: size.height,
        })),
      };
    case 'video':
    case 'animation': {
      const video = {
        ...fileBase(file),
        width: attrs.width ?? 1280,
        height: attrs.height ?? 720,
        duration: attrs.duration ?? 0,
        ...named,
      };
      // Telegram also fills `document` on animation messages, for older clients.
      return kind === 'video' ? { video } : { animation: video, document: { ...fileBase(file), ...named } };
    }
    case 'audio':
      return {
        audio: {
          ...fileBase(file),
          duration: attrs.duration ?? 0,
          ...(attrs.performer ? { performer: attrs.performer } : {}),
          ...(attrs.title ? { title: attrs.title } : {}),
          ...named,
        },
      };
    case 'voice':
      return { voice: { ...fileBase(file), duration: attrs.duration ?? 0, mime_type: 'audio/ogg' } };
    case 'sticker':
      return {
        sticker: {
          ...fileBase(file),
          type: 'regular',
          width: 512,
          height: 512,
          is_animated: false,
          is_video: false,
          emoji: attrs.emoji ?? '👍',
        },
      };
    case 'document':
      return { document: { ...fileBase(file), ...named } };
  }
}

const MIME_BY_EXT: Record<string, string> = {
  '.pdf': 'application/pdf',
  '.txt': 'text/plain',
  '.md': 'text/markdown',
  '.csv': 'text/csv',
  '.json': 'application/json',
  '.html': 'text/html',
  '.zip': 'application/zip',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.webp': 'image/webp',
  '.gif': 'image/gif',
  '.mp4': 'video/mp4',
  '.mp3': 'audio/mpeg',
  '.ogg': 'audio/ogg',
  '.docx': 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
};

const MIME_BY_KIND: Partial<Record<FileKind, string>> = {
  video: 'video/mp4',
  animation: 'video/mp4',
  audio: 'audio/mpeg',
  voice: 'audio/ogg',
  sticker: 'image/webp',
  photo: 'image/jpeg',
};

/** Telegram infers mime_type from the file name; uploads from grammY are all application/octet-stream. */
export function guessMimeType(
  kind: FileKind,
  fileName: string | undefined,
  sent?: string,
): string | undefined {
  const ext = fileName?.toLowerCase().match(/\.[a-z0-9]+$/)?.[0];
  const byExt = ext ? MIME_BY_EXT[ext] : undefined;
  if (byExt) return byExt;
  if (sent && sent !== 'application/octet-stream') return sent;
  return MIME_BY_KIND[kind] ?? (sent ? 'application/octet-stream' : undefined);
}

import { randomUUID } from 'node:crypto';

const MAX_NAME = 80;

/**
 * The `fileName` sent to the upload host: KIE overwrites files of the same name (docs.kie.ai
 * file-stream-upload), so a random prefix keeps two users' `photo.jpg` apart; the rest is reduced to
 * safe characters because it ends up in a public URL path.
 */
export function uploadFileName(fileName: string): string {
  const base = fileName.split(/[\\/]/).pop() ?? '';
  const safe = base
    .replace(/[^A-Za-z0-9._-]+/g, '_')
    .replace(/^[._]+/, '')
    .slice(-MAX_NAME);
  return `${randomUUID()}-${safe || 'file'}`;
}

// type/subtype per RFC 6838 §4.2, so nothing can break out of the part header.
const MIME = /^[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]*\/[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]*$/;

/** The caller's MIME type if it is well-formed, else application/octet-stream. */
export function safeMimeType(mimeType: string): string {
  return MIME.test(mimeType) ? mimeType.toLowerCase() : 'application/octet-stream';
}

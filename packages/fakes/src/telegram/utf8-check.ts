import { isUtf8 } from 'node:buffer';
import { notUtf8 } from './api-error.ts';
import { UploadedFile } from './multipart.ts';

// Telegram refuses a request with any string parameter that is not valid UTF-8 (text, caption,
// button texts and callback_data inside reply_markup, callback answers…) with 400 "strings must be
// encoded in UTF-8". Bodies can carry that two ways: as bytes (urlencoded or multipart) and, in JSON,
// as a `\ud83d` escape with no partner, which JSON.parse turns into a lone surrogate.

/** Raw bytes of a body or a multipart field. */
export function checkUtf8Bytes(bytes: Uint8Array): void {
  if (!isUtf8(bytes)) throw notUtf8();
}

/**
 * An `application/x-www-form-urlencoded` body or query, as bytes: they and what its %XX escapes
 * stand for must be UTF-8 (URLSearchParams would quietly turn bad bytes into U+FFFD).
 */
export function checkUtf8Form(form: Uint8Array): void {
  // latin1 maps bytes to chars and back one to one, so the escapes decode to the very bytes sent.
  const decoded = Buffer.from(form)
    .toString('latin1')
    .replace(/%([0-9a-fA-F]{2})/g, (_, hex: string) => String.fromCharCode(Number.parseInt(hex, 16)));
  checkUtf8Bytes(Buffer.from(decoded, 'latin1'));
}

/** Every string in parsed parameters, at any depth (keys too); uploaded files are bytes, not strings. */
export function checkWellFormed(value: unknown): void {
  if (typeof value === 'string') {
    if (!value.isWellFormed()) throw notUtf8();
  } else if (Array.isArray(value)) {
    for (const item of value) checkWellFormed(item);
  } else if (value !== null && typeof value === 'object' && !(value instanceof UploadedFile)) {
    for (const [key, item] of Object.entries(value)) {
      checkWellFormed(key);
      checkWellFormed(item);
    }
  }
}

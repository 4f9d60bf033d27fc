import { randomBytes } from 'node:crypto';

/** A multipart/form-data body, built in memory so it has a length and can be resent on retry. */
export interface MultipartBody {
  readonly body: Buffer;
  readonly contentType: string;
}

// Field values and file names are ours (sanitised), but quotes and line breaks would still break the
// part header, so they are escaped the way browsers do (WHATWG "multipart/form-data encoding algorithm").
const escapeName = (s: string): string => s.replace(/\r/g, '%0D').replace(/\n/g, '%0A').replace(/"/g, '%22');

/** Encodes text fields followed by one file part (RFC 7578). */
export function encodeMultipart(
  fields: Readonly<Record<string, string>>,
  file: {
    readonly field: string;
    readonly fileName: string;
    readonly mimeType: string;
    readonly bytes: Uint8Array;
  },
): MultipartBody {
  const boundary = `----tg-genbot-${randomBytes(12).toString('hex')}`;
  const parts: Buffer[] = [];
  for (const [name, value] of Object.entries(fields)) {
    parts.push(
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="${escapeName(name)}"\r\n\r\n${value}\r\n`,
      ),
    );
  }
  parts.push(
    Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="${escapeName(file.field)}"; ` +
        `filename="${escapeName(file.fileName)}"\r\nContent-Type: ${file.mimeType}\r\n\r\n`,
    ),
    Buffer.from(file.bytes.buffer, file.bytes.byteOffset, file.bytes.byteLength),
    Buffer.from(`\r\n--${boundary}--\r\n`),
  );
  return { body: Buffer.concat(parts), contentType: `multipart/form-data; boundary=${boundary}` };
}

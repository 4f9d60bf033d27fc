import { isUtf8 } from 'node:buffer';
import { notUtf8 } from './api-error.ts';

/** A file part of a multipart/form-data body (a class so params can tell files from strings). */
export class UploadedFile {
  readonly filename: string;
  readonly mimeType: string;
  readonly content: Uint8Array;

  constructor(filename: string, mimeType: string, content: Uint8Array) {
    this.filename = filename;
    this.mimeType = mimeType;
    this.content = content;
  }
}

/** Fields and files of a multipart/form-data body. */
export interface MultipartBody {
  fields: Record<string, string>;
  files: Map<string, UploadedFile>;
}

/**
 * Parses multipart/form-data by hand rather than with `Request.formData()`: grammY writes
 * `filename=a b.txt` unquoted (grammY `src/core/payload.ts`, `filePart`), and undici cuts such
 * names at the first space.
 */
export function parseMultipart(body: Buffer, contentType: string): MultipartBody {
  const boundary = /boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType);
  const fields: Record<string, string> = {};
  const files = new Map<string, UploadedFile>();
  if (!boundary) return { fields, files };
  const delimiter = Buffer.from(`--${boundary[1] ?? boundary[2]}`);
  const next = Buffer.concat([Buffer.from('\r\n'), delimiter]);
  let pos = body.indexOf(delimiter);
  while (pos !== -1) {
    let start = pos + delimiter.length;
    if (body[start] === 0x2d && body[start + 1] === 0x2d) break; // closing "--boundary--"
    if (body[start] === 0x0d && body[start + 1] === 0x0a) start += 2;
    const end = body.indexOf(next, start);
    if (end === -1) break;
    addPart(body.subarray(start, end), fields, files);
    pos = end + 2;
  }
  return { fields, files };
}

function addPart(part: Buffer, fields: Record<string, string>, files: Map<string, UploadedFile>): void {
  const headerEnd = part.indexOf('\r\n\r\n');
  if (headerEnd === -1) return;
  const headers = part.subarray(0, headerEnd).toString('utf8').split('\r\n');
  const content = part.subarray(headerEnd + 4);
  let disposition = '';
  let mimeType = 'application/octet-stream';
  for (const line of headers) {
    const colon = line.indexOf(':');
    const key = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    if (key === 'content-disposition') disposition = value;
    else if (key === 'content-type') mimeType = value;
  }
  const name = /(?:^|;)\s*name=(?:"([^"]*)"|([^;]*))/i.exec(disposition);
  if (!name) return;
  const fieldName = name[1] ?? name[2]?.trim() ?? '';
  // Unquoted filenames run to the end of the header: they may contain spaces or ';'.
  const filename = /;\s*filename=(?:"([^"]*)"|(.*))$/i.exec(disposition);
  if (filename) {
    const file = new UploadedFile(
      filename[1] ?? filename[2]?.trim() ?? '',
      mimeType,
      new Uint8Array(content),
    );
    files.set(fieldName, file);
  } else {
    // toString would turn bytes that are not UTF-8 into U+FFFD; Telegram refuses them.
    if (!isUtf8(content)) throw notUtf8();
    fields[fieldName] = content.toString('utf8');
  }
}

import type { IncomingMessage } from 'node:http';
import { ApiError, badRequest } from './api-error.ts';
import { parseMultipart, UploadedFile } from './multipart.ts';
import { checkUtf8Bytes, checkUtf8Form, checkWellFormed } from './utf8-check.ts';

/** Telegram accepts uploads up to 50 MB (https://core.telegram.org/bots/api#sending-files). */
const MAX_BODY_BYTES = 50 * 1024 * 1024;

/** Fields that carry JSON; outside JSON bodies they arrive as strings (grammY does this in multipart). */
const JSON_FIELDS = new Set([
  'reply_markup',
  'entities',
  'caption_entities',
  'allowed_updates',
  'commands',
  'scope',
  'prices',
  'media',
  'reply_parameters',
  'link_preview_options',
  'suggested_tip_amounts',
]);

/**
 * Reads query, JSON, urlencoded or multipart parameters of a Bot API request, refusing any string
 * that is not valid UTF-8 as Telegram does.
 */
export async function readRequestParams(req: IncomingMessage, url: URL): Promise<Record<string, unknown>> {
  checkUtf8Form(Buffer.from(url.search.slice(1)));
  const values: Record<string, unknown> = Object.fromEntries(url.searchParams);
  const body = await readBody(req);
  const contentType = req.headers['content-type'] ?? '';
  let files = new Map<string, UploadedFile>();
  if (body.length > 0 && /^application\/json/i.test(contentType)) {
    checkUtf8Bytes(body);
    let parsed: unknown;
    try {
      parsed = JSON.parse(body.toString('utf8'));
    } catch {
      throw badRequest("can't parse JSON encoded request body");
    }
    if (parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed))
      Object.assign(values, parsed);
  } else if (/^multipart\/form-data/i.test(contentType)) {
    const multipart = parseMultipart(body, contentType);
    Object.assign(values, multipart.fields);
    files = multipart.files;
    // A file part may also stand for the parameter directly (curl -F document=@file).
    for (const [name, file] of files) values[name] ??= file;
  } else if (body.length > 0) {
    checkUtf8Form(body);
    Object.assign(values, Object.fromEntries(new URLSearchParams(body.toString('utf8'))));
  }
  for (const [key, value] of Object.entries(values)) {
    if (typeof value === 'string' && JSON_FIELDS.has(key)) values[key] = tryJson(value);
  }
  // After JSON fields are parsed: a `\ud83d` escape in reply_markup is a lone surrogate only now.
  checkWellFormed(values);
  return resolveAttachments(values, files) as Record<string, unknown>;
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new ApiError(413, 'Request Entity Too Large');
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

function tryJson(value: string): unknown {
  try {
    return JSON.parse(value);
  } catch {
    return value; // the method reports the bad field in its own words
  }
}

/** Replaces `attach://<name>` strings, at any depth (InputMedia), with the uploaded part. */
function resolveAttachments(value: unknown, files: Map<string, UploadedFile>): unknown {
  if (typeof value === 'string' && value.startsWith('attach://')) {
    return files.get(value.slice('attach://'.length)) ?? value;
  }
  if (Array.isArray(value)) return value.map((v) => resolveAttachments(v, files));
  if (value !== null && typeof value === 'object' && !(value instanceof UploadedFile)) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, resolveAttachments(v, files)]));
  }
  return value;
}

/** The payload as recorded in `calls()`: uploads become `{ filename, size, mimeType }`. */
export function describePayload(value: unknown): unknown {
  if (value instanceof UploadedFile) {
    return { filename: value.filename, size: value.content.byteLength, mimeType: value.mimeType };
  }
  if (Array.isArray(value)) return value.map(describePayload);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, describePayload(v)]));
  }
  return value;
}

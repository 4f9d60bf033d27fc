import type { Api } from 'grammy';
import type { Document } from 'grammy/types';
import { AppError, ValidationError } from '../../../errors/app-error.ts';

/** File names and MIME types accepted as protocol input. */
const TEXT_NAME = /\.(txt|md|markdown)$/i;
const TEXT_MIME = /^text\/(plain|markdown|x-markdown)$/i;

/** A document the protocol flow takes: a .txt or .md file (by name or MIME type). */
export function isTextDocument(document: Pick<Document, 'file_name' | 'mime_type'>): boolean {
  return TEXT_NAME.test(document.file_name ?? '') || TEXT_MIME.test(document.mime_type ?? '');
}

/** Options of `readTextDocument`. */
export interface ReadDocumentOptions {
  readonly api: Api;
  /** Bot API root; the download URL holds the token and never leaves this function. */
  readonly apiRoot: string;
  readonly maxBytes: number;
  /** @default global fetch */
  readonly fetch?: typeof fetch;
  readonly signal?: AbortSignal;
}

/** Downloads a document from Telegram and decodes it as UTF-8 text (a BOM is dropped). */
export async function readTextDocument(document: Document, options: ReadDocumentOptions): Promise<string> {
  const maxMb = Math.max(1, Math.floor(options.maxBytes / 1_000_000));
  if ((document.file_size ?? 0) > options.maxBytes)
    throw new ValidationError('protocol-file-too-big', { max: maxMb });
  const file = await options.api.getFile(document.file_id);
  if (!file.file_path) throw new ValidationError('protocol-not-text');
  const response = await (options.fetch ?? fetch)(
    `${options.apiRoot}/file/bot${options.api.token}/${file.file_path}`,
    { signal: options.signal ?? AbortSignal.timeout(60_000) },
  );
  // Only the status goes into the error: the URL holds the bot token.
  if (!response.ok) {
    throw new AppError(`Downloading the document failed: HTTP ${response.status}`, {
      code: 'telegram.file_download',
      userMessageKey: 'error-telegram',
      retryable: response.status >= 500,
      details: { http_status: response.status },
    });
  }
  const bytes = new Uint8Array(await response.arrayBuffer());
  if (bytes.length > options.maxBytes) throw new ValidationError('protocol-file-too-big', { max: maxMb });
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    throw new ValidationError('protocol-not-text');
  }
}

import { badRequest } from './api-error.ts';
import { UploadedFile } from './multipart.ts';

/** A media parameter: an upload, an HTTP URL, or a file_id Telegram issued earlier. */
export type MediaInput =
  | { sentAs: 'upload'; file: UploadedFile }
  | { sentAs: 'url'; url: string }
  | { sentAs: 'file_id'; fileId: string };

/** Typed access to request parameters, which may arrive as JSON values or as strings. */
export class Params {
  readonly values: Record<string, unknown>;

  constructor(values: Record<string, unknown>) {
    this.values = values;
  }

  has(name: string): boolean {
    const v = this.values[name];
    return v !== undefined && v !== null && v !== '';
  }

  string(name: string): string | undefined {
    const v = this.values[name];
    if (typeof v === 'string') return v;
    if (typeof v === 'number' || typeof v === 'boolean') return String(v);
    return undefined;
  }

  int(name: string): number | undefined {
    const v = this.values[name];
    const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : Number.NaN;
    return Number.isFinite(n) ? Math.trunc(n) : undefined;
  }

  bool(name: string): boolean {
    const v = this.values[name];
    return v === true || v === 'true' || v === 1 || v === '1';
  }

  /** A JSON field; `what` names it in Telegram's "can't parse … JSON object" error. */
  json<T>(name: string, what: string): T | undefined {
    const v = this.values[name];
    if (v === undefined || v === null || v === '') return undefined;
    if (typeof v === 'string') throw badRequest(`can't parse ${what} JSON object`);
    return v as T;
  }

  /** A required string parameter, with Telegram's "<name> is empty" error. */
  required(name: string, reason = `${name} is empty`): string {
    const v = this.string(name);
    if (v === undefined || v === '') throw badRequest(reason);
    return v;
  }

  /** `chat_id`; usernames only address public channels and groups, which the fake does not have. */
  chatId(name = 'chat_id'): number {
    if (!this.has(name)) throw badRequest(`${name} is empty`);
    const id = this.int(name);
    if (id === undefined || id === 0) throw badRequest('chat not found');
    return id;
  }

  messageId(name = 'message_id'): number {
    const id = this.int(name);
    if (id === undefined || id <= 0) throw badRequest('message identifier is not specified');
    return id;
  }

  /** A media parameter; `undefined` when absent. */
  media(name: string): MediaInput | undefined {
    const v = this.values[name];
    if (v instanceof UploadedFile) return { sentAs: 'upload', file: v };
    if (typeof v !== 'string' || v === '') return undefined;
    if (/^https?:\/\//i.test(v)) return { sentAs: 'url', url: v };
    return { sentAs: 'file_id', fileId: v };
  }
}

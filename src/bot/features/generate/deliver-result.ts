import type { I18n } from '@grammyjs/i18n';
import { SpanKind } from '@opentelemetry/api';
import { type Api, GrammyError, InputFile } from 'grammy';
import type { Message } from 'grammy/types';
import { type Catalog, findModel, type ModelKind } from '../../../catalog/index.ts';
import type { Logger } from '../../../logger.ts';
import {
  type DeliveredResult,
  DeliveryRejectedError,
  type Generation,
  type ResultKind,
} from '../../../services/generations/index.ts';
import type { Language, UserService } from '../../../services/user.service.ts';
import { languageOfUser } from '../../../services/user-language.ts';
import {
  ATTR_BOT_DELIVERY_METHOD,
  ATTR_BOT_GENERATION_ID,
  ATTR_ENDUSER_ID,
  ATTR_KIE_TASK_ID,
  SPAN_GENERATION_DELIVER,
} from '../../../telemetry/attributes.ts';
import { withSpan } from '../../../telemetry/tracing.ts';
import { cutText } from '../../../text/cut-text.ts';
import type { BotContext } from '../../context.ts';
import { escapeHtml } from '../../escape-html.ts';
import { placeholderPng } from './placeholder-png.ts';
import { sendRefusalOf } from './send-refusal.ts';

/** Bots may upload up to 50 MB (Bot API sendDocument/sendVideo limits). */
const MAX_UPLOAD_BYTES = 50 * 1024 * 1024;
/** Results sent per generation (Suno makes two tracks; image models may make several). */
const MAX_FILES = 4;
/** UTF-16 units of the prompt in the caption, ellipsis included: well inside the 1024 of a caption. */
const CAPTION_PROMPT_CHARS = 300;
const KIND_OF: Record<ModelKind, ResultKind> = { image: 'photo', video: 'video', music: 'audio' };

export interface ResultDeliveryDeps {
  readonly api: Api;
  readonly i18n: I18n<BotContext>;
  readonly catalog: Catalog;
  readonly users: UserService;
  readonly logger: Logger;
  readonly defaultLanguage: Language;
  /** Downloads a result for the upload fallback. @default global fetch */
  readonly fetch?: typeof fetch;
  /** @default 60000 */
  readonly downloadTimeoutMs?: number;
  /** Largest result the upload fallback downloads. @default 50 MB (the Bot API's upload limit) */
  readonly maxUploadBytes?: number;
}

type Media = InputFile | string;

/** Sends one file of `kind`; Telegram fetches a URL string itself. */
function send(api: Api, chatId: number, kind: ResultKind, media: Media, caption?: string): Promise<Message> {
  const other = caption ? { caption, parse_mode: 'HTML' as const } : {};
  switch (kind) {
    case 'photo':
      return api.sendPhoto(chatId, media, other);
    case 'video':
      return api.sendVideo(chatId, media, { ...other, supports_streaming: true });
    case 'audio':
      return api.sendAudio(chatId, media, other);
    case 'document':
      return api.sendDocument(chatId, media, other);
  }
}

/** Telegram's file id of what a send returned. */
export function fileIdOf(message: Message): string | undefined {
  return (
    message.photo?.at(-1)?.file_id ??
    message.video?.file_id ??
    message.audio?.file_id ??
    message.document?.file_id ??
    message.animation?.file_id
  );
}

/** The body, refusing it as soon as it passes `limit` (a missing or wrong Content-Length cannot fill memory). */
async function readAtMost(response: Response, limit: number): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of response.body ?? []) {
    size += chunk.length;
    // Throwing out of the loop cancels the stream.
    if (size > limit) throw new DeliveryRejectedError(`Result is over ${limit} bytes`);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

/** Telegram refused the result for good: it is refunded, not sent again. */
function rejected(error: unknown): DeliveryRejectedError {
  const reason = error instanceof GrammyError ? error.description : String(error);
  return new DeliveryRejectedError(reason, { cause: error });
}

/**
 * Sends a generation's result: by URL first (no bytes through the bot), then, only when Telegram
 * could not fetch or take the file at the URL, downloaded and uploaded; a photo Telegram refuses as a
 * photo is sent as a document. Other refusals (chat not found, caption too long, …) end at once in
 * DeliveryRejectedError (refund), as do refusals of the last way; network trouble, 429 and 5xx are
 * thrown as-is, so the service retries later.
 */
export function createResultDelivery(deps: ResultDeliveryDeps): (g: Generation) => Promise<DeliveredResult> {
  const { api, i18n, catalog, users } = deps;
  const fetchFn = deps.fetch ?? fetch;
  const downloadTimeoutMs = deps.downloadTimeoutMs ?? 60_000;
  const maxBytes = deps.maxUploadBytes ?? MAX_UPLOAD_BYTES;

  const download = async (url: string): Promise<InputFile> => {
    const response = await fetchFn(url, { signal: AbortSignal.timeout(downloadTimeoutMs) });
    if (response.status === 404 || response.status === 410) {
      throw new DeliveryRejectedError(`KIE result is gone (HTTP ${response.status})`);
    }
    if (!response.ok) throw new Error(`Result download failed: HTTP ${response.status}`);
    const length = Number(response.headers.get('content-length') ?? 0);
    if (length > maxBytes) throw new DeliveryRejectedError(`Result is ${length} bytes, over ${maxBytes}`);
    const bytes = await readAtMost(response, maxBytes);
    const name = new URL(url).pathname.split('/').at(-1) || 'result';
    return new InputFile(bytes, name);
  };

  const sendOne = async (g: Generation, kind: ResultKind, url: string, caption?: string) =>
    withSpan(
      SPAN_GENERATION_DELIVER,
      {
        kind: SpanKind.INTERNAL,
        attributes: {
          [ATTR_BOT_GENERATION_ID]: g.id,
          [ATTR_ENDUSER_ID]: String(g.userId),
          ...(g.kieTaskId && { [ATTR_KIE_TASK_ID]: g.kieTaskId }),
        },
      },
      async (span) => {
        span.setAttribute(ATTR_BOT_DELIVERY_METHOD, 'url');
        try {
          return { kind, message: await send(api, g.chatId, kind, url, caption) };
        } catch (error) {
          const refusal = sendRefusalOf(error);
          if (refusal === undefined) throw error;
          if (refusal === 'final') throw rejected(error);
          span.addEvent('url_refused', { 'telegram.api.description': (error as GrammyError).description });
        }
        span.setAttribute(ATTR_BOT_DELIVERY_METHOD, 'upload');
        const file = await download(url);
        try {
          return { kind, message: await send(api, g.chatId, kind, file, caption) };
        } catch (error) {
          const refusal = sendRefusalOf(error);
          if (refusal === undefined) throw error;
          if (kind !== 'photo' || refusal !== 'file') throw rejected(error);
          span.addEvent('photo_refused', { 'telegram.api.description': (error as GrammyError).description });
        }
        // Too large or odd dimensions for a photo: a document always shows the original.
        span.setAttribute(ATTR_BOT_DELIVERY_METHOD, 'document');
        try {
          return {
            kind: 'document' as const,
            message: await send(api, g.chatId, 'document', await download(url), caption),
          };
        } catch (error) {
          if (sendRefusalOf(error) !== undefined) throw rejected(error);
          throw error;
        }
      },
    );

  return async (g) => {
    const lang = await languageOfUser(users, g.userId, deps.defaultLanguage);
    const model = findModel(catalog, g.modelId);
    const prompt = typeof g.input.prompt === 'string' ? g.input.prompt : '';
    const excerpt = cutText(prompt, CAPTION_PROMPT_CHARS);
    const title = escapeHtml(model?.title[lang] ?? g.modelId);
    const caption = [`<b>${title}</b>`, excerpt && escapeHtml(excerpt)].filter(Boolean).join('\n');
    if (g.dryRun) {
      const file = new InputFile(placeholderPng(), 'dry-run.png');
      const note = i18n.t(lang, 'gen-dry-run-note');
      const message = await send(api, g.chatId, 'photo', file, `${note}\n${caption}`);
      return { kind: 'photo', fileId: fileIdOf(message) };
    }
    const urls = (g.resultUrls ?? []).slice(0, MAX_FILES);
    if (urls.length === 0) throw new DeliveryRejectedError('KIE reported success without result files');
    const kind = KIND_OF[model?.kind ?? 'image'];
    let first: { kind: ResultKind; message: Message } | undefined;
    for (const [i, url] of urls.entries()) {
      const sent = await sendOne(g, kind, url, i === 0 ? caption : undefined);
      first ??= sent;
    }
    return { kind: first?.kind ?? kind, fileId: first && fileIdOf(first.message) };
  };
}

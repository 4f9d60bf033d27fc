import { randomBytes } from 'node:crypto';
import { basename } from 'node:path';
import { ApiError, badRequest } from './api-error.ts';
import type { FileKind, StoredFile } from './file-store.ts';
import { guessMimeType, type MediaAttributes, mediaFields } from './media-wire.ts';
import { captionFields, readCaption, readReplyTo, sendBotMessage } from './message-builder.ts';
import type { MethodContext, MethodHandler } from './method-context.ts';
import type { UploadedFile } from './multipart.ts';
import { type MediaInput, Params } from './params.ts';
import { readReplyMarkup } from './reply-markup.ts';
import type { ChatMedia } from './types.ts';

/** A file ready to attach to a message, with how the bot supplied it. */
interface ResolvedMedia {
  file: StoredFile;
  media: ChatMedia;
}

/** Builds send<Kind>(chat_id, <field>, caption, …) for one media kind. */
export function sendMedia(kind: FileKind): MethodHandler {
  return (ctx) => {
    const chatId = ctx.params.chatId();
    const input = ctx.params.media(kind);
    if (!input) throw badRequest(`there is no ${kind} in the request`);
    const caption = kind === 'sticker' ? undefined : readCaption(ctx.params);
    const replyMarkup = readReplyMarkup(ctx.params);
    const replyTo = readReplyTo(ctx.params, ctx.bot.chat(chatId));
    const { file, media } = resolveMedia(ctx, kind, input, chatId);
    const entry = sendBotMessage(
      ctx,
      chatId,
      {
        ...(replyTo ? { reply_to_message: replyTo } : {}),
        ...mediaFields(kind, file, attributes(ctx.params)),
        ...captionFields(caption),
      },
      { media, source: caption?.source, parseMode: caption?.parseMode, replyMarkup },
    );
    return entry.raw;
  };
}

/** sendMediaGroup: an album of 2–10 photos/videos (or documents, or audios). */
export function sendMediaGroup(ctx: MethodContext): unknown {
  const chatId = ctx.params.chatId();
  const items = ctx.params.json<Record<string, unknown>[]>('media', 'media');
  // Wording guessed: Telegram's real text for a wrong album size is not documented.
  if (!Array.isArray(items) || items.length < 2 || items.length > 10)
    throw badRequest('wrong number of media');
  const replyTo = readReplyTo(ctx.params, ctx.bot.chat(chatId));
  const resolved = items.map((item) => {
    const kind = item.type as FileKind;
    if (!['photo', 'video', 'audio', 'document'].includes(kind)) throw badRequest('unsupported media type');
    const itemParams = new Params(item);
    const input = itemParams.media('media');
    if (!input) throw badRequest(`there is no ${kind} in the request`);
    return { kind, itemParams, caption: readCaption(itemParams), ...resolveMedia(ctx, kind, input, chatId) };
  });
  const mediaGroupId = BigInt(`0x${randomBytes(7).toString('hex')}`).toString();
  return resolved.map(({ kind, itemParams, caption, file, media }) => {
    const entry = sendBotMessage(
      ctx,
      chatId,
      {
        ...(replyTo ? { reply_to_message: replyTo } : {}),
        media_group_id: mediaGroupId,
        ...mediaFields(kind, file, attributes(itemParams)),
        ...captionFields(caption),
      },
      { media, source: caption?.source, parseMode: caption?.parseMode },
    );
    return entry.raw;
  });
}

/** getFile: file_path for the download endpoint. */
export function getFile(ctx: MethodContext): unknown {
  const file = ctx.bot.files.get(ctx.params.required('file_id'));
  if (!file) throw badRequest('invalid file_id');
  return {
    file_id: file.fileId,
    file_unique_id: file.fileUniqueId,
    ...(file.size !== undefined ? { file_size: file.size } : {}),
    file_path: file.filePath,
  };
}

function attributes(params: Params): MediaAttributes {
  const attrs: MediaAttributes = {};
  for (const key of ['duration', 'width', 'height'] as const) {
    const value = params.int(key);
    if (value !== undefined) attrs[key] = value;
  }
  const performer = params.string('performer');
  const title = params.string('title');
  if (performer) attrs.performer = performer;
  if (title) attrs.title = title;
  // sendSticker's emoji (https://core.telegram.org/bots/api#sendsticker) for an uploaded sticker.
  const emoji = params.string('emoji');
  if (emoji) attrs.emoji = emoji;
  return attrs;
}

function resolveMedia(ctx: MethodContext, kind: FileKind, input: MediaInput, chatId: number): ResolvedMedia {
  const files = ctx.bot.files;
  const add = (
    content: Uint8Array,
    meta: { fileName?: string; mimeType?: string; url?: string },
  ): StoredFile =>
    kind === 'photo' ? files.addPhoto(content, meta).at(-1)! : files.add(kind, content, meta);
  switch (input.sentAs) {
    case 'url': {
      // The fake fetches nothing; a url-fail fault stands in for Telegram failing to.
      const fault = ctx.core.faults.takeUrlFault({
        token: ctx.bot.token,
        method: ctx.method,
        chatId,
        url: input.url,
      });
      if (fault) throw new ApiError(400, fault.description ?? 'Bad Request: failed to get HTTP URL content');
      const fileName =
        kind === 'document' || kind === 'video' || kind === 'audio' ? urlFileName(input.url) : undefined;
      const file = add(new Uint8Array(), {
        ...(fileName ? { fileName } : {}),
        ...optionalMime(guessMimeType(kind, fileName)),
        url: input.url,
      });
      return { file, media: { kind, sentAs: 'url', url: input.url, fileId: file.fileId } };
    }
    case 'file_id': {
      const file = files.get(input.fileId);
      if (!file) throw badRequest('wrong file identifier/HTTP URL specified');
      if (file.kind !== kind)
        throw badRequest(`can't use file of type ${title(file.kind)} as ${title(kind)}`);
      const largest = file.sizes?.at(-1) ?? file;
      return { file: largest, media: { kind, sentAs: 'file_id', fileId: largest.fileId } };
    }
    case 'upload':
      return fromUpload(kind, input.file, add);
  }
}

function fromUpload(
  kind: FileKind,
  upload: UploadedFile,
  add: (content: Uint8Array, meta: { fileName?: string; mimeType?: string }) => StoredFile,
): ResolvedMedia {
  const keepName = kind !== 'photo' && kind !== 'sticker' && kind !== 'voice';
  const file = add(upload.content, {
    ...(keepName && upload.filename ? { fileName: upload.filename } : {}),
    ...optionalMime(guessMimeType(kind, upload.filename, upload.mimeType)),
  });
  const descriptor = {
    filename: upload.filename,
    size: upload.content.byteLength,
    mimeType: upload.mimeType,
  };
  return { file, media: { kind, sentAs: 'upload', fileId: file.fileId, upload: descriptor } };
}

function optionalMime(mimeType: string | undefined): { mimeType?: string } {
  return mimeType ? { mimeType } : {};
}

function urlFileName(url: string): string | undefined {
  const name = basename(new URL(url).pathname);
  return name || undefined;
}

function title(kind: string): string {
  return kind.charAt(0).toUpperCase() + kind.slice(1);
}

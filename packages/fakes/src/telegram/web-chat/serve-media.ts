import type { ServerResponse } from 'node:http';
import { context } from '@opentelemetry/api';
import { suppressTracing } from '@opentelemetry/core';
import { sendJson } from '../../shared/send-json.ts';
import type { FileStore } from '../file-store.ts';

/**
 * A file of the chat for the page: its bytes when the fake holds them (uploads), else the URL the
 * bot sent. URLs from `proxyOrigins` (the KIE fake) are fetched here, since the browser may not
 * reach them (the bot and the fakes share a container in Docker); any other URL is a redirect.
 * Fetched bytes are kept with the file (as Telegram keeps what it downloaded), so the media still
 * show after the KIE fake restarted and forgot them; `onKept` tells the fake's persistence.
 */
export async function serveMedia(
  files: FileStore,
  fileId: string,
  proxyOrigins: ReadonlySet<string>,
  res: ServerResponse,
  onKept: () => void = () => {},
): Promise<void> {
  const file = files.get(fileId);
  if (!file) return sendJson(res, 404, { error: 'no such file' });
  const type = file.mimeType ?? 'application/octet-stream';
  if (file.content.byteLength > 0) return send(res, type, file.content, file.fileName);
  if (!file.url) return sendJson(res, 404, { error: 'the file has no content' });
  if (!proxyOrigins.has(new URL(file.url).origin)) {
    res.writeHead(302, { location: file.url }).end();
    return;
  }
  // The page's plumbing is not the bot's work: no spans for it in the sandbox's traces.
  const answer = await context
    .with(suppressTracing(context.active()), () => fetch(file.url as string))
    .catch(() => undefined);
  if (!answer?.ok) return sendJson(res, 502, { error: `could not load ${file.url}` });
  const body = new Uint8Array(await answer.arrayBuffer());
  const fetchedType = answer.headers.get('content-type') ?? type;
  if (body.byteLength > 0) {
    file.content = body;
    file.mimeType ??= fetchedType;
    onKept();
  }
  send(res, fetchedType, body, file.fileName);
}

/** Types the page shows in place; anything else (HTML, SVG…) is a download, never a page on this origin. */
const INLINE = /^(image\/(png|jpeg|gif|webp)|video\/|audio\/|text\/plain\b)/;

function send(res: ServerResponse, type: string, body: Uint8Array, fileName: string | undefined): void {
  const inline = INLINE.test(type);
  const name = fileName ? `; filename*=UTF-8''${encodeURIComponent(fileName)}` : '';
  res.writeHead(200, {
    'content-type': inline ? type : 'application/octet-stream',
    'content-length': String(body.byteLength),
    'content-disposition': `${inline ? 'inline' : 'attachment'}${name}`,
    'x-content-type-options': 'nosniff',
  });
  res.end(body);
}

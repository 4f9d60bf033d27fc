import type { ServerResponse } from 'node:http';
import { notFound } from './api-error.ts';
import { type FakeCore, TOKEN_PATTERN } from './fake-core.ts';
import { endResponse, respondError } from './respond.ts';

/** Answers `GET /file/bot<token>/<file_path>` with the file's bytes, as Telegram's file server does. */
export async function serveBotFile(
  core: FakeCore,
  token: string,
  filePath: string,
  res: ServerResponse,
): Promise<void> {
  const file = TOKEN_PATTERN.test(token) ? core.bots.get(token)?.files.getByPath(filePath) : undefined;
  if (!file) return respondError(res, notFound());
  res.writeHead(200, {
    'content-type': 'application/octet-stream',
    'content-length': String(file.content.byteLength),
  });
  await endResponse(res, file.content);
}

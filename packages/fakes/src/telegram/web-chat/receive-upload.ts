import type { IncomingMessage } from 'node:http';
import type { Update } from 'grammy/types';
import type { FakeUser } from '../types.ts';
import { HttpProblem, rawBody } from './http-body.ts';

/**
 * A photo or document from the page (`POST /chat/api/uploads`): raw bytes, with the user, kind, name
 * and caption in the query. The user is looked up only once the request passed the header check.
 */
export async function receiveUpload(
  req: IncomingMessage,
  url: URL,
  userOf: (raw: unknown) => FakeUser,
): Promise<Update> {
  // A custom header makes a cross-site form post impossible without a CORS preflight we never allow.
  if (req.headers['x-web-chat'] !== '1') throw new HttpProblem(403, 'missing x-web-chat header');
  const user = userOf(url.searchParams.get('user'));
  const content = await rawBody(req);
  const caption = url.searchParams.get('caption') || undefined;
  const kind = url.searchParams.get('kind');
  if (kind === 'photo') return user.sendPhoto({ content, ...(caption ? { caption } : {}) });
  if (kind === 'document') {
    return user.sendDocument({
      fileName: url.searchParams.get('name') || 'file',
      mimeType: req.headers['content-type'] || 'application/octet-stream',
      content,
      ...(caption ? { caption } : {}),
    });
  }
  throw new HttpProblem(400, 'kind must be photo or document');
}

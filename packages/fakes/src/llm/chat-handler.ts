import type { IncomingMessage, ServerResponse } from 'node:http';
import { isRecord, readJsonBody } from '../shared/read-json-body.ts';
import { abortableSleep } from './abortable-sleep.ts';
import { answerCompletion } from './answer-completion.ts';
import { bearerToken } from './bearer-token.ts';
import { errorResponse } from './error-bodies.ts';
import type { LlmFakeContext } from './internal-types.ts';
import { messageText } from './message-text.ts';
import { pickFault } from './pick-fault.ts';
import { replyError } from './reply-error.ts';
import { streamCompletion } from './stream-completion.ts';
import type { ChatMessage, LlmChatRequest, LlmRequestRecord } from './types.ts';

/** Paths of the chat-completions route: OpenRouter's and the plain OpenAI one. */
export const CHAT_PATHS: ReadonlySet<string> = new Set(['/api/v1/chat/completions', '/v1/chat/completions']);

/**
 * Answers `POST …/chat/completions` in OpenRouter's order of checks: key, body, messages, then the
 * injected fault, latency and the answer itself, streamed or whole (§1–§5).
 */
export async function handleChat(
  ctx: LlmFakeContext,
  req: IncomingMessage,
  res: ServerResponse,
  rec: LlmRequestRecord,
  signal: AbortSignal,
): Promise<void> {
  const raw = await readJsonBody(req).catch(() => undefined);
  const body = isRecord(raw) ? raw : {};
  const messages = Array.isArray(body.messages)
    ? (body.messages.filter(isRecord) as unknown as ChatMessage[])
    : [];
  rec.model = typeof body.model === 'string' ? body.model : 'openrouter/auto';
  rec.messagesChars = messages.reduce((n, m) => n + messageText(m).length, 0);
  rec.stream = body.stream === true;
  const lastUserText = messageText(
    [...messages].reverse().find((m) => m.role === 'user') ?? { role: 'user' },
  );
  const errCtx = { model: rec.model, provider: ctx.provider, lastUserText };

  if (bearerToken(req) !== ctx.apiKey) return replyError(res, rec, errorResponse(401, errCtx));
  if (!isRecord(raw)) {
    return replyError(res, rec, errorResponse(400, { ...errCtx, message: 'Invalid JSON body' }));
  }
  if (messages.length === 0) {
    return replyError(
      res,
      rec,
      errorResponse(400, { ...errCtx, message: 'Input required: specify "prompt" or "messages"' }),
    );
  }
  const fault = pickFault(ctx, rec);
  if (fault?.kind === 'failAfter') return replyError(res, rec, errorResponse(fault.status, errCtx));
  if (fault?.kind === 'status') {
    if (fault.delayMs) await abortableSleep(fault.delayMs, signal);
    if (signal.aborted) return;
    return replyError(
      res,
      rec,
      errorResponse(fault.status, { ...errCtx, retryAfter: fault.retryAfter, message: fault.message }),
    );
  }
  if (fault?.kind === 'hang') return; // The socket stays open until the client or stop() closes it.

  const chat: LlmChatRequest = { model: rec.model, messages, stream: rec.stream, body };
  const latency = typeof ctx.latencyMs === 'function' ? ctx.latencyMs(chat) : (ctx.latencyMs ?? 0);
  if (rec.stream) return streamCompletion(ctx, res, rec, chat, fault, latency, signal);
  await abortableSleep(latency, signal);
  if (!signal.aborted) answerCompletion(ctx, res, rec, chat, fault);
}

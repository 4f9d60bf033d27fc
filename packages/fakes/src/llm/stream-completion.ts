import type { ServerResponse } from 'node:http';
import { abortableSleep } from './abortable-sleep.ts';
import { completionContent } from './completion-content.ts';
import {
  chunkBody,
  errorChunkBody,
  generationHead,
  streamPieces,
  usageChunkBody,
} from './completion-payloads.ts';
import type { LlmFakeContext } from './internal-types.ts';
import { usageFor } from './token-usage.ts';
import type { LlmChatRequest, LlmFault, LlmRequestRecord } from './types.ts';

const PROCESSING = ': OPENROUTER PROCESSING\n\n';

/**
 * Answers a `stream: true` call as server-sent events: keep-alive comments for `latencyMs`, a role
 * chunk, content pieces `chunkDelayMs` apart, then the finish and usage chunks and `[DONE]` (§5).
 * Nothing more is written once `signal` aborts.
 */
export async function streamCompletion(
  ctx: LlmFakeContext,
  res: ServerResponse,
  rec: LlmRequestRecord,
  req: LlmChatRequest,
  fault: LlmFault | undefined,
  latencyMs: number,
  signal: AbortSignal,
): Promise<void> {
  const head = generationHead(rec, req.model, ctx.provider);
  const send = (body: object | string): void => {
    if (!signal.aborted) res.write(typeof body === 'string' ? body : `data: ${JSON.stringify(body)}\n\n`);
  };
  rec.status = 200;
  res.writeHead(200, {
    'Content-Type': 'text/event-stream',
    'Cache-Control': 'no-cache',
    Connection: 'keep-alive',
    'X-Generation-Id': rec.id,
  });
  // Comment lines keep the connection alive while the upstream is thinking (§5).
  send(PROCESSING);
  for (let waited = 0; waited < latencyMs && !signal.aborted; waited += ctx.keepAliveMs) {
    await abortableSleep(Math.min(ctx.keepAliveMs, latencyMs - waited), signal);
    if (waited + ctx.keepAliveMs < latencyMs) send(PROCESSING);
  }
  send(chunkBody(head, { role: 'assistant', content: '' }));
  if (fault?.kind === 'malformed') {
    send(
      `data: {"id":"${rec.id}","object":"chat.completion.chunk","choices":[{"index":0,"delta":{"content":"Summ\n\n`,
    );
    return void res.end();
  }
  const { content, finish } = completionContent(req, fault);
  for (const piece of streamPieces(content)) {
    await abortableSleep(ctx.chunkDelayMs, signal);
    send(chunkBody(head, { content: piece }));
  }
  if (signal.aborted) return;
  if (fault?.kind === 'error-in-200') {
    send(errorChunkBody(head));
    return void res.end();
  }
  const u = usageFor(rec.messagesChars, content);
  ctx.usage += u.cost;
  send(chunkBody(head, {}, finish));
  send(usageChunkBody(head, u));
  send('data: [DONE]\n\n');
  res.end();
}

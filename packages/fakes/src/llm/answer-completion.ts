import type { ServerResponse } from 'node:http';
import { sendJson } from '../shared/send-json.ts';
import { completionContent } from './completion-content.ts';
import { completionBody, generationHead } from './completion-payloads.ts';
import type { LlmFakeContext } from './internal-types.ts';
import { usageFor } from './token-usage.ts';
import type { LlmChatRequest, LlmFault, LlmRequestRecord } from './types.ts';

/** Answers a non-streaming call with one `chat.completion` body (or the 200-status fault it was given). */
export function answerCompletion(
  ctx: LlmFakeContext,
  res: ServerResponse,
  rec: LlmRequestRecord,
  req: LlmChatRequest,
  fault: LlmFault | undefined,
): void {
  const headers = { 'X-Generation-Id': rec.id };
  rec.status = 200;
  if (fault?.kind === 'error-in-200') {
    // The request was accepted, so the status is already 200 and the error sits in the body (§2, §5).
    const body = {
      error: {
        code: 502,
        message: 'Provider returned error',
        metadata: { provider_name: ctx.provider, raw: 'upstream reset' },
      },
    };
    sendJson(res, 200, body, headers);
    return;
  }
  if (fault?.kind === 'malformed') {
    const text = `{"id":"${rec.id}","object":"chat.completion","choices":[{"index":0,"message":{"role":"assistant","content":"Summ`;
    res.writeHead(200, { 'Content-Type': 'application/json', ...headers });
    return void res.end(text);
  }
  const { content, finish } = completionContent(req, fault);
  const u = usageFor(rec.messagesChars, content);
  ctx.usage += u.cost;
  const head = generationHead(rec, req.model, ctx.provider);
  sendJson(res, 200, completionBody(head, content, finish, u), headers);
}

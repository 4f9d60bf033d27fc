import type { IncomingMessage, ServerResponse } from 'node:http';
import { sendJson } from '../shared/send-json.ts';
import type { EndpointHandler } from './endpoint-handler.ts';
import type { FaultQueue } from './fault-queue.ts';
import type { FakeContext } from './internal-types.ts';
import { KieReject } from './kie-reject.ts';
import { httpStatusFor, kieEnvelope } from './kie-transport.ts';
import { readRawBody } from './read-raw-body.ts';
import type { SlidingWindowLimiter } from './sliding-window-limiter.ts';
import type { KieEndpoint, KieRequestRecord } from './types.ts';

const ROUTES: Readonly<Record<string, KieEndpoint>> = {
  'POST /api/v1/jobs/createTask': 'createTask',
  'GET /api/v1/jobs/recordInfo': 'recordInfo',
  'POST /api/v1/generate': 'generate',
  'GET /api/v1/generate/record-info': 'generateRecordInfo',
  'POST /api/v1/veo/generate': 'veoGenerate',
  'GET /api/v1/veo/record-info': 'veoRecordInfo',
  'GET /api/v1/chat/credit': 'credit',
  'POST /api/file-stream-upload': 'fileStreamUpload',
};

// Default User-Agents of Node's fetch and undici: Cloudflare's browser check would not pass them either.
const NON_BROWSER_UA = /^(node|undici)(\/|$)/i;
const MAX_JSON_BYTES = 1_000_000;
const MAX_UPLOAD_BYTES = 50_000_000;
const BAD_BODY = Symbol('bad body');

/** What the API handler needs besides the shared context. */
export interface ApiHandlerDeps {
  readonly apiKey: string;
  readonly requireUserAgent: boolean;
  readonly faults: FaultQueue;
  readonly handlers: Readonly<Record<KieEndpoint, EndpointHandler>>;
  readonly limiterFor: (endpoint: KieEndpoint) => SlidingWindowLimiter | undefined;
}

async function decodeBody(
  req: IncomingMessage,
  raw: Buffer,
  kind: EndpointHandler['body'],
): Promise<unknown> {
  if (kind === 'multipart') {
    const type = req.headers['content-type'] ?? '';
    if (!/^multipart\/form-data/i.test(type)) return BAD_BODY;
    return new Response(raw, { headers: { 'content-type': type } }).formData().catch(() => BAD_BODY);
  }
  const text = raw.toString('utf8');
  try {
    return text.trim() === '' ? undefined : JSON.parse(text);
  } catch {
    return BAD_BODY;
  }
}

/**
 * Answers the API routes in KIE's order of checks: Cloudflare's User-Agent gate, route, key, injected
 * fault, rate limit, body, then the endpoint itself (§9 rows 2, 6, 14).
 */
export function createApiHandler(ctx: FakeContext, deps: ApiHandlerDeps) {
  const reply = (
    res: ServerResponse,
    rec: KieRequestRecord,
    endpoint: KieEndpoint | undefined,
    code: number,
    msg?: string,
    data?: unknown,
    httpStatus?: number,
  ): void => {
    rec.code = code;
    rec.status = httpStatus ?? httpStatusFor(ctx.wire, code);
    const envelope = kieEnvelope(ctx.wire, code, msg, data);
    // The upload host adds `success` to its envelope (docs.kie.ai file-stream-upload).
    sendJson(
      res,
      rec.status,
      endpoint === 'fileStreamUpload' ? { success: code === 200, ...envelope } : envelope,
    );
  };

  return async (
    req: IncomingMessage,
    res: ServerResponse,
    rec: KieRequestRecord,
    url: URL,
  ): Promise<void> => {
    const ua = req.headers['user-agent'] ?? '';
    if (deps.requireUserAgent && (ua.trim() === '' || NON_BROWSER_UA.test(ua))) {
      rec.status = 403;
      res.writeHead(403, { 'Content-Type': 'text/plain; charset=UTF-8' }).end('error code: 1010');
      return;
    }
    const endpoint = ROUTES[`${req.method} ${url.pathname}`];
    const max = endpoint === 'fileStreamUpload' ? MAX_UPLOAD_BYTES : MAX_JSON_BYTES;
    const raw = req.method === 'POST' ? await readRawBody(req, max).catch(() => undefined) : Buffer.alloc(0);
    if (!endpoint) return reply(res, rec, endpoint, 404, 'Not Found', undefined, 404);
    const token = /^bearer\s+(.+)$/i.exec(req.headers.authorization ?? '')?.[1];
    if (token !== deps.apiKey) return reply(res, rec, endpoint, 401);
    const fault = deps.faults.take(endpoint);
    if (fault?.kind === 'code') {
      return reply(res, rec, endpoint, fault.code, fault.msg, undefined, fault.httpStatus);
    }
    if (deps.limiterFor(endpoint)?.tryAcquire() === false) return reply(res, rec, endpoint, 429);
    const handler = deps.handlers[endpoint];
    const body = raw === undefined ? BAD_BODY : await decodeBody(req, raw, handler.body);
    if (body === BAD_BODY) {
      const what = handler.body === 'multipart' ? 'multipart/form-data' : 'valid JSON';
      return reply(res, rec, endpoint, 400, `request body is not ${what}`);
    }
    let answer: { code: number; msg?: string | undefined; data?: unknown; delayMs?: number | undefined };
    try {
      const { data, msg, delayMs } = await handler.handle(url, body);
      answer = { code: 200, msg: msg ?? 'success', data, delayMs };
    } catch (err) {
      if (!(err instanceof KieReject)) throw err;
      answer = { code: err.code, msg: err.message };
    }
    // A transport fault acts after the handler: the work is done, only the answer goes wrong.
    const late = (answer.delayMs ?? 0) + (fault?.kind === 'slow' ? fault.delayMs : 0);
    if (late) await ctx.timers.sleep(late);
    if (res.destroyed) return;
    if (fault?.kind === 'not-json') return replyNotJson(res, rec, fault.httpStatus ?? 200, fault.body);
    if (fault?.kind === 'bad-data') return reply(res, rec, endpoint, 200, 'success', fault.data ?? null);
    reply(res, rec, endpoint, answer.code, answer.msg, answer.data);
  };
}

/** A body that is not KIE's JSON envelope: a proxy's error page, or a 2xx garbled on the way. */
function replyNotJson(res: ServerResponse, rec: KieRequestRecord, status: number, body?: string): void {
  rec.status = status;
  const page =
    body ?? `<html><head><title>${status}</title></head><body>upstream answered ${status}</body></html>`;
  res.writeHead(status, { 'Content-Type': 'text/html; charset=UTF-8' }).end(page);
}

/** Answers an unexpected handler failure like KIE's "server exception" (or drops a half-sent reply). */
export function replyServerError(
  ctx: FakeContext,
  res: ServerResponse,
  rec: KieRequestRecord,
  err: unknown,
): void {
  if (res.headersSent) return void res.destroy();
  rec.code = 500;
  rec.status = httpStatusFor(ctx.wire, 500);
  sendJson(
    res,
    rec.status,
    kieEnvelope(ctx.wire, 500, err instanceof Error ? err.message : 'server exception'),
  );
}

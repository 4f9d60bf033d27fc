import { randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { listen } from '../shared/listen.ts';
import { isRecord, readJsonBody } from '../shared/read-json-body.ts';
import { sendJson } from '../shared/send-json.ts';
import {
  chunkBody,
  completionBody,
  errorChunkBody,
  type FinishReason,
  type GenerationHead,
  streamPieces,
  usageChunkBody,
} from './completion-payloads.ts';
import { deterministicCompletion } from './deterministic-completion.ts';
import { type ErrorResponse, errorResponse } from './error-bodies.ts';
import { FaultQueue } from './fault-queue.ts';
import { messageText } from './message-text.ts';
import { tokensOf, usageFor } from './token-usage.ts';
import type {
  ChatMessage,
  LlmChatRequest,
  LlmFake,
  LlmFakeOptions,
  LlmFault,
  LlmRequestRecord,
} from './types.ts';

const CHAT_PATHS = new Set(['/api/v1/chat/completions', '/v1/chat/completions']);
const KEY_PATHS = new Set(['/api/v1/key', '/v1/key']);
const PROCESSING = ': OPENROUTER PROCESSING\n\n';

/** Resolves after `ms`, or at once when `signal` aborts. */
function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted || ms <= 0) return resolve();
    const done = (): void => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}

function generationId(): string {
  return `gen-${Math.floor(Date.now() / 1000)}-${randomBytes(10).toString('base64url')}`;
}

/** Creates a fake OpenRouter-flavoured chat-completions server (llm-api.md §1–§7). */
export function createLlmFake(options: LlmFakeOptions = {}): LlmFake {
  const host = options.host ?? '127.0.0.1';
  const apiKey = options.apiKey ?? 'llm-test-key';
  const provider = options.provider ?? 'FakeProvider';
  const chunkDelayMs = options.streamChunkDelayMs ?? 5;
  const keepAliveMs = options.keepAliveIntervalMs ?? 1000;
  const emitter = new EventEmitter();
  const faults = new FaultQueue();
  const log: LlmRequestRecord[] = [];
  const stopAll = new AbortController();
  let port = options.port ?? 0;
  let inFlight = 0;
  let maxConcurrency = 0;
  let calls = 0;
  let usage = 0;
  // Switchable while running (the sandbox's web chat turns 402s and slowness on and off).
  let failAfter = options.failAfter;
  let latencyMs = options.latencyMs;

  const origin = (): string => {
    const h = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host;
    return `http://${h.includes(':') ? `[${h}]` : h}:${port}`;
  };

  const fail = (res: ServerResponse, rec: LlmRequestRecord, err: ErrorResponse): void => {
    rec.status = err.status;
    sendJson(res, err.status, err.body, err.headers);
  };

  const answer = (
    res: ServerResponse,
    rec: LlmRequestRecord,
    req: LlmChatRequest,
    fault: LlmFault | undefined,
  ): void => {
    const head: GenerationHead = {
      id: rec.id,
      created: Math.floor(rec.startedAt / 1000),
      model: req.model,
      provider,
    };
    const headers = { 'X-Generation-Id': rec.id };
    rec.status = 200;
    if (fault?.kind === 'error-in-200') {
      // The request was accepted, so the status is already 200 and the error sits in the body (§2, §5).
      const body = {
        error: {
          code: 502,
          message: 'Provider returned error',
          metadata: { provider_name: provider, raw: 'upstream reset' },
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
    const { content, finish } = contentFor(req, fault);
    const u = usageFor(rec.messagesChars, content);
    usage += u.cost;
    sendJson(res, 200, completionBody(head, content, finish, u), headers);
  };

  const stream = async (
    res: ServerResponse,
    rec: LlmRequestRecord,
    req: LlmChatRequest,
    fault: LlmFault | undefined,
    latencyMs: number,
    signal: AbortSignal,
  ): Promise<void> => {
    const head: GenerationHead = {
      id: rec.id,
      created: Math.floor(rec.startedAt / 1000),
      model: req.model,
      provider,
    };
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
    for (let waited = 0; waited < latencyMs && !signal.aborted; waited += keepAliveMs) {
      await sleep(Math.min(keepAliveMs, latencyMs - waited), signal);
      if (waited + keepAliveMs < latencyMs) send(PROCESSING);
    }
    send(chunkBody(head, { role: 'assistant', content: '' }));
    if (fault?.kind === 'malformed') {
      send(
        `data: {"id":"${rec.id}","object":"chat.completion.chunk","choices":[{"index":0,"delta":{"content":"Summ\n\n`,
      );
      return void res.end();
    }
    const { content, finish } = contentFor(req, fault);
    for (const piece of streamPieces(content)) {
      await sleep(chunkDelayMs, signal);
      send(chunkBody(head, { content: piece }));
    }
    if (signal.aborted) return;
    if (fault?.kind === 'error-in-200') {
      send(errorChunkBody(head));
      return void res.end();
    }
    const u = usageFor(rec.messagesChars, content);
    usage += u.cost;
    send(chunkBody(head, {}, finish));
    send(usageChunkBody(head, u));
    send('data: [DONE]\n\n');
    res.end();
  };

  const handleChat = async (
    req: IncomingMessage,
    res: ServerResponse,
    rec: LlmRequestRecord,
    signal: AbortSignal,
  ): Promise<void> => {
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
    const ctx = { model: rec.model, provider, lastUserText };

    const token = /^bearer\s+(.+)$/i.exec(req.headers.authorization ?? '')?.[1];
    if (token !== apiKey) return fail(res, rec, errorResponse(401, ctx));
    if (!isRecord(raw)) return fail(res, rec, errorResponse(400, { ...ctx, message: 'Invalid JSON body' }));
    if (messages.length === 0) {
      return fail(
        res,
        rec,
        errorResponse(400, { ...ctx, message: 'Input required: specify "prompt" or "messages"' }),
      );
    }
    calls += 1;
    if (failAfter && calls > failAfter.calls) {
      rec.fault = 'failAfter';
      return fail(res, rec, errorResponse(failAfter.status, ctx));
    }
    const taken = faults.take();
    const fault = taken?.kind === 'pass' ? undefined : taken;
    if (fault) rec.fault = fault.kind === 'status' ? `status:${fault.status}` : fault.kind;
    if (fault?.kind === 'status') {
      if (fault.delayMs) await sleep(fault.delayMs, signal);
      if (signal.aborted) return;
      return fail(
        res,
        rec,
        errorResponse(fault.status, { ...ctx, retryAfter: fault.retryAfter, message: fault.message }),
      );
    }
    if (fault?.kind === 'hang') return; // The socket stays open until the client or stop() closes it.

    const chat: LlmChatRequest = { model: rec.model, messages, stream: rec.stream, body };
    const latency = typeof latencyMs === 'function' ? latencyMs(chat) : (latencyMs ?? 0);
    if (rec.stream) return stream(res, rec, chat, fault, latency, signal);
    await sleep(latency, signal);
    if (!signal.aborted) answer(res, rec, chat, fault);
  };

  const handleKey = (req: IncomingMessage, res: ServerResponse): void => {
    const token = /^bearer\s+(.+)$/i.exec(req.headers.authorization ?? '')?.[1];
    if (token !== apiKey) {
      const err = errorResponse(401, { model: '', provider, lastUserText: '' });
      sendJson(res, err.status, err.body);
      return;
    }
    sendJson(res, 200, {
      data: {
        label: 'fake',
        limit: null,
        limit_reset: null,
        limit_remaining: null,
        include_byok_in_limit: false,
        usage,
        usage_daily: usage,
        usage_weekly: usage,
        usage_monthly: usage,
        byok_usage: 0,
        byok_usage_daily: 0,
        byok_usage_weekly: 0,
        byok_usage_monthly: 0,
        is_free_tier: false,
        is_management_key: false,
        is_provisioning_key: false,
        expires_at: null,
        creator_user_id: null,
        rate_limit: { requests: -1, interval: '10s' },
      },
    });
  };

  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://llm.fake').pathname;
    if (req.method === 'GET' && KEY_PATHS.has(path)) return handleKey(req, res);
    if (req.method !== 'POST' || !CHAT_PATHS.has(path)) {
      req.resume();
      return sendJson(res, 404, { error: { code: 404, message: 'Not Found' } });
    }
    const rec: LlmRequestRecord = {
      id: generationId(),
      path,
      startedAt: Date.now(),
      aborted: false,
      remotePort: req.socket.remotePort,
      model: '',
      messagesChars: 0,
      stream: false,
    };
    log.push(rec);
    inFlight += 1;
    maxConcurrency = Math.max(maxConcurrency, inFlight);
    const ac = new AbortController();
    const onStop = (): void => ac.abort();
    stopAll.signal.addEventListener('abort', onStop, { once: true });
    // `res` closes both when the answer is complete and when the client goes away first (Node ≥ 16).
    res.on('close', () => {
      stopAll.signal.removeEventListener('abort', onStop);
      inFlight -= 1;
      rec.endedAt = Date.now();
      if (!res.writableFinished) {
        rec.aborted = true;
        ac.abort();
        emitter.emit('abort', rec);
      }
      emitter.emit('end', rec);
    });
    emitter.emit('request', rec);
    handleChat(req, res, rec, ac.signal).catch((err: unknown) => {
      if (res.headersSent) return void res.destroy();
      fail(
        res,
        rec,
        errorResponse(500, { model: rec.model, provider, lastUserText: '', message: String(err) }),
      );
    });
  });

  return {
    get baseUrl() {
      return `${origin()}/api/v1`;
    },
    get origin() {
      return origin();
    },
    get port() {
      return port;
    },
    async start() {
      port = await listen(server, port, host);
    },
    async stop() {
      stopAll.abort();
      if (!server.listening) return;
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
    },
    inject(fault) {
      faults.push(fault);
    },
    setFailAfter(next) {
      failAfter = next;
    },
    setLatency(next) {
      latencyMs = next;
    },
    requests() {
      return [...log];
    },
    inFlight() {
      return inFlight;
    },
    maxConcurrency() {
      return maxConcurrency;
    },
    calls() {
      return calls;
    },
    usage() {
      return usage;
    },
    on(event, listener) {
      emitter.on(event, listener);
    },
    off(event, listener) {
      emitter.off(event, listener);
    },
  };
}

/** The text and finish reason for a successful (or partially successful) generation. */
function contentFor(
  req: LlmChatRequest,
  fault: LlmFault | undefined,
): { content: string; finish: FinishReason } {
  if (fault?.kind === 'empty') return { content: '', finish: 'stop' };
  const full = deterministicCompletion(req.model, req.messages, req.body.metadata);
  if (fault?.kind === 'finish-error' || fault?.kind === 'error-in-200') {
    return { content: full.slice(0, Math.ceil(full.length / 2)), finish: 'error' };
  }
  const maxTokens = req.body.max_tokens ?? req.body.max_completion_tokens;
  if (typeof maxTokens === 'number' && maxTokens > 0 && tokensOf(full.length) > maxTokens) {
    return { content: full.slice(0, maxTokens * 4), finish: 'length' };
  }
  return { content: full, finish: 'stop' };
}

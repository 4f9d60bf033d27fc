import { createServer } from 'node:http';
import { listen } from '../shared/listen.ts';
import { sendJson } from '../shared/send-json.ts';
import { CHAT_PATHS, handleChat } from './chat-handler.ts';
import { errorResponse } from './error-bodies.ts';
import { FaultQueue } from './fault-queue.ts';
import type { LlmFakeContext } from './internal-types.ts';
import { handleKey, KEY_PATHS } from './key-handler.ts';
import { replyError } from './reply-error.ts';
import { RequestRecorder } from './request-recorder.ts';
import type { LlmFake, LlmFakeOptions } from './types.ts';

/** Creates a fake OpenRouter-flavoured chat-completions server (llm-api.md §1–§7). */
export function createLlmFake(options: LlmFakeOptions = {}): LlmFake {
  const host = options.host ?? '127.0.0.1';
  const ctx: LlmFakeContext = {
    apiKey: options.apiKey ?? 'llm-test-key',
    provider: options.provider ?? 'FakeProvider',
    chunkDelayMs: options.streamChunkDelayMs ?? 5,
    keepAliveMs: options.keepAliveIntervalMs ?? 1000,
    faults: new FaultQueue(),
    failAfter: options.failAfter,
    latencyMs: options.latencyMs,
    calls: 0,
    usage: 0,
  };
  const recorder = new RequestRecorder();
  let port = options.port ?? 0;

  const origin = (): string => {
    const h = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host;
    return `http://${h.includes(':') ? `[${h}]` : h}:${port}`;
  };

  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://llm.fake').pathname;
    if (req.method === 'GET' && KEY_PATHS.has(path)) return handleKey(ctx, req, res);
    if (req.method !== 'POST' || !CHAT_PATHS.has(path)) {
      req.resume();
      return sendJson(res, 404, { error: { code: 404, message: 'Not Found' } });
    }
    const { rec, signal } = recorder.begin(req, res, path);
    handleChat(ctx, req, res, rec, signal).catch((err: unknown) => {
      if (res.headersSent) return void res.destroy();
      const ectx = { model: rec.model, provider: ctx.provider, lastUserText: '', message: String(err) };
      replyError(res, rec, errorResponse(500, ectx));
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
      recorder.abortAll();
      if (!server.listening) return;
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
    },
    inject(fault) {
      ctx.faults.push(fault);
    },
    setFailAfter(next) {
      ctx.failAfter = next;
    },
    setLatency(next) {
      ctx.latencyMs = next;
    },
    requests() {
      return recorder.requests();
    },
    inFlight() {
      return recorder.inFlight();
    },
    maxConcurrency() {
      return recorder.maxConcurrency();
    },
    calls() {
      return ctx.calls;
    },
    usage() {
      return ctx.usage;
    },
    on(event, listener) {
      recorder.on(event, listener);
    },
    off(event, listener) {
      recorder.off(event, listener);
    },
  };
}

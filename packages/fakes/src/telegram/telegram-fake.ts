import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Update } from 'grammy/types';
import {
  ApiError,
  blockedByUser,
  notFound,
  serverError,
  tooManyRequests,
  unauthorized,
} from './api-error.ts';
import type { BotState } from './bot-state.ts';
import { FakeCore, resolveOptions, TOKEN_PATTERN } from './fake-core.ts';
import { createFakeUser } from './fake-user.ts';
import { DescribedResult } from './method-context.ts';
import { executeMethod, findMethod } from './methods.ts';
import { Params } from './params.ts';
import { describePayload, readRequestParams } from './request-params.ts';
import { sleep } from './sleep.ts';
import { readRequestTrace } from './trace-headers.ts';
import type {
  ApiCall,
  FakeUser,
  FakeUserInit,
  Fault,
  FaultInjector,
  TelegramFake,
  TelegramFakeEventName,
  TelegramFakeEvents,
  TelegramFakeOptions,
  WebChatOptions,
} from './types.ts';
import { checkWellFormed } from './utf8-check.ts';
import { WebChat } from './web-chat/web-chat.ts';

/** Creates a fake Telegram Bot API server; call `start()` before use. */
export function createTelegramFake(options?: TelegramFakeOptions): TelegramFake {
  return new TelegramFakeServer(resolveOptions(options), options?.webChat);
}

/** Thrown inside request handling to hang up without answering. */
class DropConnection extends Error {}

class TelegramFakeServer implements TelegramFake {
  private readonly core: FakeCore;
  private server: Server | undefined;
  private stopped = false;
  private boundPort = 0;
  private readonly inflight = new Set<Promise<void>>();
  private readonly users = new Map<string, FakeUser>();
  private readonly webChat: WebChat | undefined;

  constructor(options: ReturnType<typeof resolveOptions>, webChat?: WebChatOptions) {
    this.core = new FakeCore(options);
    this.webChat = webChat && new WebChat(this.core, webChat, (init) => this.user(init));
    this.core.webhookReply = (bot, body) => {
      this.runWebhookReply(bot, body).catch(() => {}); // Telegram ignores webhook-reply failures too
    };
  }

  get faults(): FaultInjector {
    return this.core.faults;
  }

  get port(): number {
    return this.boundPort;
  }

  get apiRoot(): string {
    if (!this.server) throw new Error('TelegramFake: call start() before reading apiRoot');
    const host = this.core.options.host.includes(':')
      ? `[${this.core.options.host}]`
      : this.core.options.host;
    return `http://${host}:${this.boundPort}`;
  }

  get webChatUrl(): string | undefined {
    return this.webChat && this.server ? `${this.apiRoot}/` : undefined;
  }

  async start(): Promise<void> {
    if (this.stopped) throw new Error('TelegramFake: a stopped fake cannot be restarted; create a new one');
    if (this.server) return;
    const server = createServer((req, res) => {
      const done = this.handle(req, res)
        .catch((err: unknown) => {
          // A bug in the fake: answer like a broken server and leave a trace for whoever debugs the test.
          console.error('[telegram-fake] request handling failed', err);
          if (!res.headersSent) this.respondError(res, serverError(500)).catch(() => {});
        })
        .finally(() => this.inflight.delete(done));
      this.inflight.add(done);
    });
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.core.options.port, this.core.options.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    this.boundPort = (server.address() as AddressInfo).port;
  }

  /** Ends long polls (empty result), webhook delivery and waits, then closes every connection. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.core.stopController.abort();
    const server = this.server;
    if (!server) {
      await this.core.persistence?.close();
      return;
    }
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeIdleConnections();
    // Bounded: a request stuck on a dead socket must not keep stop() from returning.
    await Promise.race([
      Promise.allSettled([...this.inflight]),
      new Promise((resolve) => setTimeout(resolve, 2000).unref()),
    ]);
    server.closeAllConnections();
    await closed;
    // Last, so the bot's final calls (and getUpdates confirming what it handled) are kept.
    await this.core.persistence?.close();
  }

  user(init: FakeUserInit): FakeUser {
    const key = `${init.id}:${init.token ?? ''}`;
    let user = this.users.get(key);
    if (!user) {
      user = createFakeUser(this.core, init);
      this.users.set(key, user);
    } else {
      this.core.registerUser(init);
    }
    return user;
  }

  updateTrace(token: string, updateId: number): string | undefined {
    return this.core.updateTrace(token, updateId);
  }

  calls(token?: string): ReadonlyArray<ApiCall> {
    return token === undefined ? [...this.core.calls] : this.core.calls.filter((c) => c.token === token);
  }

  enqueueRaw(token: string, update: Partial<Update> & { update_id: number }): Update {
    if (!TOKEN_PATTERN.test(token)) throw new Error('enqueueRaw: token must look like "123456:ABCdef_ghijk"');
    const { update_id, ...fields } = update;
    return this.core.enqueue(this.core.bot(token), fields, update_id, true);
  }

  on<E extends TelegramFakeEventName>(event: E, listener: (e: TelegramFakeEvents[E]) => void): void {
    this.core.events.on(event, listener);
  }

  off<E extends TelegramFakeEventName>(event: E, listener: (e: TelegramFakeEvents[E]) => void): void {
    this.core.events.off(event, listener);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://fake.invalid');
    if (this.webChat && (await this.webChat.handle(req, res, url))) return;
    const file = /^\/file\/bot([^/]+)\/(.+)$/.exec(url.pathname);
    if (file) return this.serveFile(decodeURIComponent(file[1]!), decodeURIComponent(file[2]!), res);
    const route = /^\/bot([^/]+)\/([^/]*)$/.exec(url.pathname);
    if (!route) return this.respondError(res, notFound());

    const token = decodeURIComponent(route[1]!);
    const method = route[2]!;
    const trace = readRequestTrace(req.headers);
    const call: ApiCall = {
      token,
      method,
      payload: {},
      at: Date.now(),
      response: { ok: false },
      ...(trace?.traceId ? { traceId: trace.traceId } : {}),
      ...(trace?.updateId !== undefined ? { updateId: trace.updateId } : {}),
    };
    const clientGone = new AbortController();
    res.on('close', () => {
      if (!res.writableFinished) clientGone.abort();
    });
    const signal = AbortSignal.any([clientGone.signal, this.core.stopSignal]);
    try {
      if (!TOKEN_PATTERN.test(token)) throw unauthorized();
      if (trace) this.core.noteRequestTrace(token, trace);
      const handler = findMethod(method);
      if (!handler) throw notFound();
      const values = await readRequestParams(req, url);
      call.payload = describePayload(values) as Record<string, unknown>;
      const bot = this.core.bot(token);
      const params = new Params(values);
      const target = { token, method, chatId: params.int('chat_id') ?? params.int('user_id') };
      const delayMs = this.core.faults.takeDelayMs(target);
      if (delayMs > 0) await sleep(delayMs, signal);
      const fault = this.core.faults.takeRequestFault(target);
      if (fault && fault.phase !== 'after') this.failWith(fault, req);
      const result = await executeMethod(
        { core: this.core, bot, params, method, signal, ...(trace ? { traceId: trace.traceId } : {}) },
        handler,
      );
      if (fault) this.failWith(fault, req);
      const described = result instanceof DescribedResult ? result : undefined;
      const body = {
        ok: true,
        result: described ? described.result : result,
        ...(described ? { description: described.description } : {}),
      };
      call.response = { ok: true };
      await send(res, 200, body);
    } catch (err) {
      if (err instanceof DropConnection) {
        call.response = { ok: false, dropped: true };
        return;
      }
      if (!(err instanceof ApiError)) throw err;
      call.response = { ok: false, error_code: err.errorCode, description: err.description };
      await this.respondError(res, err);
    } finally {
      this.core.calls.push(call);
      this.core.emit('api-call', call);
    }
  }

  /** Turns an injected fault into the failure it stands for. */
  private failWith(fault: Fault, req: IncomingMessage): never {
    const withDescription = (error: ApiError): ApiError =>
      fault.description ? new ApiError(error.errorCode, fault.description, error.parameters) : error;
    switch (fault.kind) {
      case '429':
        throw withDescription(tooManyRequests(fault.retryAfter ?? 1));
      case '5xx':
        throw withDescription(serverError(fault.status ?? 500));
      case 'blocked':
        throw withDescription(blockedByUser());
      default:
        req.socket.destroy();
        throw new DropConnection();
    }
  }

  private async serveFile(token: string, filePath: string, res: ServerResponse): Promise<void> {
    const file = TOKEN_PATTERN.test(token) ? this.core.bots.get(token)?.files.getByPath(filePath) : undefined;
    if (!file) return this.respondError(res, notFound());
    res.writeHead(200, {
      'content-type': 'application/octet-stream',
      'content-length': String(file.content.byteLength),
    });
    await finish(res, file.content);
  }

  private respondError(res: ServerResponse, error: ApiError): Promise<void> {
    return send(res, error.errorCode, error.toJSON());
  }

  /** Webhook reply: a 2xx answer whose JSON names a `method` is run as an API call. */
  private async runWebhookReply(bot: BotState, body: string): Promise<void> {
    let parsed: unknown;
    try {
      parsed = JSON.parse(body);
    } catch {
      return;
    }
    if (
      parsed === null ||
      typeof parsed !== 'object' ||
      typeof (parsed as { method?: unknown }).method !== 'string'
    ) {
      return;
    }
    const { method, ...values } = parsed as Record<string, unknown> & { method: string };
    const call: ApiCall = {
      token: bot.token,
      method,
      payload: values,
      at: Date.now(),
      response: { ok: false },
    };
    try {
      const handler = findMethod(method);
      if (!handler) throw notFound();
      checkWellFormed(values);
      const params = new Params(values);
      await executeMethod({ core: this.core, bot, params, method, signal: this.core.stopSignal }, handler);
      call.response = { ok: true };
    } catch (err) {
      if (err instanceof ApiError)
        call.response = { ok: false, error_code: err.errorCode, description: err.description };
      else throw err;
    } finally {
      this.core.calls.push(call);
      this.core.emit('api-call', call);
    }
  }
}

function send(res: ServerResponse, status: number, body: unknown): Promise<void> {
  const json = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': String(Buffer.byteLength(json)),
  });
  return finish(res, json);
}

/** Resolves once the answer reached the socket, so stop() does not cut it off. */
function finish(res: ServerResponse, chunk: string | Uint8Array): Promise<void> {
  return new Promise((resolve) => {
    // A client that already hung up (an aborted long poll) emits no further 'close' nor end callback.
    if (res.destroyed || res.socket?.destroyed) {
      resolve();
      return;
    }
    res.once('close', resolve);
    res.end(chunk, () => resolve());
  });
}

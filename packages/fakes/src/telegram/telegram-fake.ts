import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Update } from 'grammy/types';
import { notFound, serverError } from './api-error.ts';
import { FakeCore, resolveOptions, TOKEN_PATTERN } from './fake-core.ts';
import { createFakeUser } from './fake-user.ts';
import { handleApiCall } from './handle-api-call.ts';
import { respondError } from './respond.ts';
import { serveBotFile } from './serve-bot-file.ts';
import type {
  ApiCall,
  FakeUser,
  FakeUserInit,
  FaultInjector,
  TelegramFake,
  TelegramFakeEventName,
  TelegramFakeEvents,
  TelegramFakeOptions,
  WebChatOptions,
} from './types.ts';
import { WebChat } from './web-chat/web-chat.ts';
import { runWebhookReply } from './webhook-reply.ts';

/** Creates a fake Telegram Bot API server; call `start()` before use. */
export function createTelegramFake(options?: TelegramFakeOptions): TelegramFake {
  return new TelegramFakeServer(resolveOptions(options), options?.webChat);
}

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
      runWebhookReply(this.core, bot, body).catch(() => {}); // Telegram ignores webhook-reply failures too
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
          if (!res.headersSent) respondError(res, serverError(500)).catch(() => {});
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

  /** Routes a request: the web chat's, a file download, or a Bot API call. */
  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://fake.invalid');
    if (this.webChat && (await this.webChat.handle(req, res, url))) return;
    const file = /^\/file\/bot([^/]+)\/(.+)$/.exec(url.pathname);
    if (file) return serveBotFile(this.core, decodeURIComponent(file[1]!), decodeURIComponent(file[2]!), res);
    const route = /^\/bot([^/]+)\/([^/]*)$/.exec(url.pathname);
    if (!route) return respondError(res, notFound());
    return handleApiCall(this.core, req, res, url, decodeURIComponent(route[1]!), route[2]!);
  }
}

import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Logger } from '../logger.ts';

export interface HttpServerOptions {
  readonly logger: Logger;
  /** Whether the bot can take work (database reachable, intake running). */
  readonly isReady: () => Promise<boolean>;
  /** Webhook route, in webhook mode. */
  readonly webhook?: {
    readonly path: string;
    readonly handle: (req: IncomingMessage, res: ServerResponse) => Promise<void>;
  };
  /** Further POST routes by path (e.g. KIE callbacks). */
  readonly posts?: Readonly<Record<string, (req: IncomingMessage, res: ServerResponse) => Promise<void>>>;
}

/** GET /healthz (the process is alive), GET /readyz (it can take work), in webhook mode POST <path>, and `posts`. */
export function createHttpServer(options: HttpServerOptions): Server {
  const { logger, isReady, webhook, posts = {} } = options;
  return createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    const route = async () => {
      if (req.method === 'GET' && path === '/healthz') return json(res, 200, { status: 'ok' });
      if (req.method === 'GET' && path === '/readyz') {
        const ready = await isReady().catch(() => false);
        return json(res, ready ? 200 : 503, { status: ready ? 'ready' : 'not ready' });
      }
      if (webhook && path === webhook.path) {
        if (req.method !== 'POST') return json(res, 405, { error: 'POST only' });
        return webhook.handle(req, res);
      }
      const post = Object.hasOwn(posts, path) ? posts[path] : undefined;
      if (post) {
        if (req.method !== 'POST') return json(res, 405, { error: 'POST only' });
        return post(req, res);
      }
      return json(res, 404, { error: 'not found' });
    };
    route().catch((error: unknown) => {
      logger.error('HTTP request failed', { err: error });
      if (!res.headersSent) json(res, 500, { error: 'internal error' });
    });
  });
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}

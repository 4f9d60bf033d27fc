import type { ServerResponse } from 'node:http';
import type { WireEvent } from './wire.ts';

/** A comment line this often keeps proxies from closing an idle stream. */
const HEARTBEAT_MS = 15_000;

/**
 * One server-sent events connection (https://html.spec.whatwg.org/multipage/server-sent-events.html).
 * Every event is a `data:` line of JSON; the page reads `type`. `closed` settles when the page goes
 * away or the fake stops.
 */
export class EventStream {
  readonly closed: Promise<void>;
  private readonly res: ServerResponse;

  constructor(res: ServerResponse, stopSignal: AbortSignal) {
    this.res = res;
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache',
      connection: 'keep-alive',
    });
    // EventSource reconnects by itself; a second is enough for a local server that restarted.
    res.write('retry: 1000\n\n');
    const heartbeat = setInterval(() => res.write(': ping\n\n'), HEARTBEAT_MS);
    heartbeat.unref();
    const end = (): void => {
      if (!res.writableEnded) res.end();
    };
    stopSignal.addEventListener('abort', end, { once: true });
    this.closed = new Promise((resolve) => {
      res.once('close', () => {
        clearInterval(heartbeat);
        stopSignal.removeEventListener('abort', end);
        resolve();
      });
    });
  }

  send(event: WireEvent): void {
    if (this.res.writableEnded || this.res.destroyed) return;
    this.res.write(`data: ${JSON.stringify(event)}\n\n`);
  }
}

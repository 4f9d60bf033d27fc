import type { WireEvent } from '../../../packages/fakes/src/telegram/web-chat/wire.ts';

/** A server-sent events reader for tests: every event, and a wait for the next matching one. */
export interface EventReader {
  readonly events: WireEvent[];
  /** The first event after the last one returned (or already received) matching `pred`. */
  next<T extends WireEvent['type']>(
    type: T,
    pred?: (e: Extract<WireEvent, { type: T }>) => boolean,
    timeoutMs?: number,
  ): Promise<Extract<WireEvent, { type: T }>>;
  /** How the stream ended: `end` when the server closed it properly, `error` when it broke or `close()` aborted it. */
  readonly ended: Promise<'end' | 'error'>;
  close(): void;
}

/** Opens `/chat/api/events?user=…` and parses `data:` lines as they arrive. */
export async function openEvents(url: string): Promise<EventReader> {
  const abort = new AbortController();
  const response = await fetch(url, { signal: abort.signal });
  if (!response.ok || !response.body) throw new Error(`events: ${response.status}`);
  const events: WireEvent[] = [];
  const waiters = new Set<() => void>();
  let cursor = 0;
  let buffer = '';
  const ended = (async (): Promise<'end' | 'error'> => {
    const decoder = new TextDecoder();
    try {
      for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
        buffer += decoder.decode(chunk, { stream: true });
        let end = buffer.indexOf('\n\n');
        while (end >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const data = block
            .split('\n')
            .filter((l) => l.startsWith('data: '))
            .map((l) => l.slice(6))
            .join('\n');
          if (data) events.push(JSON.parse(data) as WireEvent);
          end = buffer.indexOf('\n\n');
        }
        for (const w of waiters) w();
      }
      return 'end';
    } catch {
      return 'error';
    }
  })();
  return {
    events,
    ended,
    next(type, pred = () => true, timeoutMs = 5000) {
      type E = Extract<WireEvent, { type: typeof type }>;
      return new Promise<E>((resolve, reject) => {
        const check = (): void => {
          for (let i = cursor; i < events.length; i++) {
            const e = events[i] as WireEvent;
            if (e.type === type && pred(e as E)) {
              cursor = i + 1;
              waiters.delete(check);
              clearTimeout(timer);
              resolve(e as E);
              return;
            }
          }
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(
            new Error(`no ${type} event within ${timeoutMs} ms; got ${JSON.stringify(events.slice(cursor))}`),
          );
        }, timeoutMs);
        waiters.add(check);
        check();
      });
    },
    close: () => abort.abort(),
  };
}

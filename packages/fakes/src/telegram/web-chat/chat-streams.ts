import type { ServerResponse } from 'node:http';
import { EventStream } from './event-stream.ts';
import type { WireEvent } from './wire.ts';

/** The open pages' event streams, each following one chat. */
export class ChatStreams {
  readonly #clients = new Set<{ chatId: number; stream: EventStream }>();

  /** Serves one page's stream until it closes: the snapshot first, then what is sent to its chat. */
  async serve(
    res: ServerResponse,
    stopSignal: AbortSignal,
    chatId: number,
    snapshot: () => WireEvent,
  ): Promise<void> {
    const stream = new EventStream(res, stopSignal);
    const client = { chatId, stream };
    stream.send(snapshot());
    this.#clients.add(client);
    await stream.closed;
    this.#clients.delete(client);
  }

  /** Sends an event to every page showing `chatId`. */
  broadcast(chatId: number, event: WireEvent): void {
    for (const client of this.#clients) if (client.chatId === chatId) client.stream.send(event);
  }

  /** Sends an event to every page. */
  broadcastAll(event: WireEvent): void {
    for (const client of this.#clients) client.stream.send(event);
  }
}

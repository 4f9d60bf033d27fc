import { EventEmitter } from 'node:events';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { generationId } from './generation-id.ts';
import type { LlmFakeEvents, LlmRequestRecord } from './types.ts';

/**
 * Records every chat call and follows it until its response closes: the log, calls in flight and
 * their peak, the fake's events, and one abort signal per call that fires when its client leaves
 * or the fake stops.
 */
export class RequestRecorder {
  readonly #log: LlmRequestRecord[] = [];
  readonly #emitter = new EventEmitter();
  readonly #stopAll = new AbortController();
  #inFlight = 0;
  #maxConcurrency = 0;

  /** Starts recording a call; its signal aborts when the client goes away early or on `abortAll()`. */
  begin(
    req: IncomingMessage,
    res: ServerResponse,
    path: string,
  ): { rec: LlmRequestRecord; signal: AbortSignal } {
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
    this.#log.push(rec);
    this.#inFlight += 1;
    this.#maxConcurrency = Math.max(this.#maxConcurrency, this.#inFlight);
    const ac = new AbortController();
    const onStop = (): void => ac.abort();
    this.#stopAll.signal.addEventListener('abort', onStop, { once: true });
    // `res` closes both when the answer is complete and when the client goes away first (Node ≥ 16).
    res.on('close', () => {
      this.#stopAll.signal.removeEventListener('abort', onStop);
      this.#inFlight -= 1;
      rec.endedAt = Date.now();
      if (!res.writableFinished) {
        rec.aborted = true;
        ac.abort();
        this.#emitter.emit('abort', rec);
      }
      this.#emitter.emit('end', rec);
    });
    this.#emitter.emit('request', rec);
    return { rec, signal: ac.signal };
  }

  /** Aborts every call in flight (the fake is stopping). */
  abortAll(): void {
    this.#stopAll.abort();
  }

  /** A copy of the log, oldest first. */
  requests(): LlmRequestRecord[] {
    return [...this.#log];
  }

  inFlight(): number {
    return this.#inFlight;
  }

  maxConcurrency(): number {
    return this.#maxConcurrency;
  }

  on<K extends keyof LlmFakeEvents>(event: K, listener: (e: LlmFakeEvents[K]) => void): void {
    this.#emitter.on(event, listener);
  }

  off<K extends keyof LlmFakeEvents>(event: K, listener: (e: LlmFakeEvents[K]) => void): void {
    this.#emitter.off(event, listener);
  }
}

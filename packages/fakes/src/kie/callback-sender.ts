import { signKieCallback } from './sign-kie-callback.ts';
import type { CallbackMode, KieCallbackEvent } from './types.ts';

/** Settings of a `CallbackSender`. */
export interface CallbackSenderOptions {
  readonly hmacKey?: string;
  /** Re-sends after the first attempt. */
  readonly retries: number;
  readonly timeoutMs: number;
  /** First re-send delay; doubles each time. */
  readonly retryDelayMs: number;
  /** Extra delay before a `late` callback. */
  readonly lateDelayMs: number;
  readonly onAttempt: (e: KieCallbackEvent) => void;
}

// How far a `late` callback's timestamp lies in the past, so a replay window rejects it (§9 row 10).
const LATE_TIMESTAMP_AGE_S = 600;

/** Delivers KIE callbacks (§5): POST JSON, re-sent on non-200, timeout or network error. */
export class CallbackSender {
  readonly #opts: CallbackSenderOptions;
  readonly #stop = new AbortController();

  constructor(opts: CallbackSenderOptions) {
    this.#opts = opts;
  }

  /** Starts delivering in the background; never throws. */
  send(taskId: string, url: string, body: unknown, mode: CallbackMode): void {
    if (mode === 'none' || this.#stop.signal.aborted) return;
    this.#deliver(taskId, url, body, mode).catch(() => {
      // Delivery failures are reported through `onAttempt`; nothing else to do.
    });
  }

  /** Aborts every pending delivery and retry wait. */
  stop(): void {
    this.#stop.abort();
  }

  async #deliver(taskId: string, url: string, body: unknown, mode: CallbackMode): Promise<void> {
    if (mode === 'late') await this.#sleep(this.#opts.lateDelayMs);
    const copies = mode === 'duplicate' ? 2 : 1;
    for (let copy = 0; copy < copies; copy++) {
      for (let attempt = 1; attempt <= this.#opts.retries + 1; attempt++) {
        if (this.#stop.signal.aborted) return;
        if (await this.#attempt(taskId, url, body, mode, attempt)) break;
        await this.#sleep(this.#opts.retryDelayMs * 2 ** (attempt - 1));
      }
    }
  }

  async #attempt(
    taskId: string,
    url: string,
    body: unknown,
    mode: CallbackMode,
    attempt: number,
  ): Promise<boolean> {
    const headers = this.#headers(taskId, mode);
    const event = { taskId, url, attempt, body, headers };
    try {
      const res = await fetch(url, {
        method: 'POST',
        headers,
        body: JSON.stringify(body),
        signal: AbortSignal.any([this.#stop.signal, AbortSignal.timeout(this.#opts.timeoutMs)]),
      });
      await res.arrayBuffer();
      this.#opts.onAttempt({ ...event, status: res.status });
      return res.status === 200;
    } catch (err) {
      if (this.#stop.signal.aborted) return true;
      this.#opts.onAttempt({ ...event, error: err instanceof Error ? err.message : String(err) });
      return false;
    }
  }

  #headers(taskId: string, mode: CallbackMode): Record<string, string> {
    const headers: Record<string, string> = {
      'Content-Type': 'application/json',
      'User-Agent': 'kie-fake-webhook/1.0',
    };
    const key = this.#opts.hmacKey;
    if (key === undefined || mode === 'unsigned') return headers;
    const nowS = Math.floor(Date.now() / 1000);
    const timestamp = String(mode === 'late' ? nowS - LATE_TIMESTAMP_AGE_S : nowS);
    headers['X-Webhook-Timestamp'] = timestamp;
    headers['X-Webhook-Signature'] = signKieCallback(
      taskId,
      timestamp,
      mode === 'bad-signature' ? `${key}-wrong` : key,
    );
    return headers;
  }

  #sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.#stop.signal.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.#stop.signal.addEventListener('abort', done, { once: true });
    });
  }
}

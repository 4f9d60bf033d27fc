/** What kind of failure a fault simulates. */
export type FaultKind = '429' | '5xx' | 'blocked' | 'drop' | 'delay' | 'url-fail';

/** A failure to inject into matching requests. */
export interface Fault {
  /** Method name (case-insensitive) or pattern; any method when omitted. */
  method?: string | RegExp;
  chatId?: number;
  token?: string;
  /** For `url-fail`: which media URL fails; any URL when omitted. */
  url?: string | RegExp;
  kind: FaultKind;
  /** For `429`. @default 1 */
  retryAfter?: number;
  /** For `5xx`: 500 or 502 (others answer "Internal Server Error"). @default 500 */
  status?: number;
  /** For `delay`. @default 1000 */
  delayMs?: number;
  /** How many matching requests fail. @default 1 */
  times?: number;
  /** `after` runs the method first and then fails the response (the bot sees an error for a message that was sent). @default 'before' */
  phase?: 'before' | 'after';
  /** Overrides the error description (e.g. `url-fail` with "Bad Request: wrong file identifier/HTTP URL specified"). */
  description?: string;
}

/** Injects failures into Bot API requests. */
export interface FaultInjector {
  inject(fault: Fault): void;
  /** Disarms one injected fault (the same object), whatever is left of its `times`. */
  remove(fault: Fault): void;
  clear(): void;
}

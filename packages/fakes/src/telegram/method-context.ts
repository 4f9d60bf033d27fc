import type { BotState } from './bot-state.ts';
import type { FakeCore } from './fake-core.ts';
import type { Params } from './params.ts';

/** What a Bot API method handler gets. */
export interface MethodContext {
  core: FakeCore;
  bot: BotState;
  params: Params;
  /** Method name as sent. */
  method: string;
  /** Aborts when the client goes away or the fake stops. */
  signal: AbortSignal;
  /** Trace id of the request (W3C `traceparent`), recorded on the messages it sends or edits. */
  traceId?: string;
}

/** A Bot API method: returns `result` or throws `ApiError`. */
export type MethodHandler = (ctx: MethodContext) => unknown;

/** A result Telegram sends with a `description` next to it (e.g. "Webhook was set"). */
export class DescribedResult {
  readonly result: unknown;
  readonly description: string;

  constructor(result: unknown, description: string) {
    this.result = result;
    this.description = description;
  }
}

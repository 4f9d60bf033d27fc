import type { Update } from 'grammy/types';
import type { CallbackAnswer, ChatMessage } from './chat-types.ts';
import type { FaultInjector } from './fault-types.ts';
import type { FakeUser, FakeUserInit } from './user-types.ts';

// The public types, split by area: options, faults, chat contents and the fake user.
export type {
  AnyReplyMarkup,
  CallbackAnswer,
  ChatInvoice,
  ChatMedia,
  ChatMessage,
  UploadDescriptor,
} from './chat-types.ts';
export type { Fault, FaultInjector, FaultKind } from './fault-types.ts';
export type { FaultSwitch, RateLimits, TelegramFakeOptions, WebChatOptions } from './option-types.ts';
export type {
  ButtonTarget,
  FakeUser,
  FakeUserInit,
  PaymentResult,
  SendTextOptions,
  StarPayment,
} from './user-types.ts';

/** One Bot API request the fake received. */
export interface ApiCall {
  token: string;
  /** Method name as sent (Telegram treats it case-insensitively). */
  method: string;
  /** Parsed parameters; uploaded files appear as `UploadDescriptor`. */
  payload: Record<string, unknown>;
  /** Unix milliseconds when the request arrived. */
  at: number;
  response: { ok: boolean; error_code?: number; description?: string; dropped?: boolean };
  /** Trace id from the request's W3C `traceparent` header, if it had a valid one. */
  traceId?: string;
  /** The update the bot was handling, from its `baggage` entry `telegram.update.id`. */
  updateId?: number;
}

/** Events the fake emits, for live UIs. */
export interface TelegramFakeEvents {
  /**
   * A Bot API request arrived and its parameters were read, before injected delays and the method
   * run: a test waits for it instead of sleeping until a request is "surely" in flight.
   */
  'api-request': Pick<ApiCall, 'token' | 'method' | 'payload'>;
  'api-call': ApiCall;
  update: { token: string; update: Update };
  'bot-message': { token: string; chatId: number; message: ChatMessage };
  /** Edits and deletions (`message.deleted`). */
  'bot-edit': { token: string; chatId: number; message: ChatMessage };
  'chat-action': { token: string; chatId: number; action: string; traceId?: string };
  'callback-answer': { token: string; chatId?: number; answer: CallbackAnswer; traceId?: string };
  /** The first Bot API call made while handling an update named it (baggage) and its trace. */
  'update-trace': { token: string; updateId: number; traceId: string };
}

/** Name of an event the fake emits. */
export type TelegramFakeEventName = keyof TelegramFakeEvents;

/** A running fake Bot API server. */
export interface TelegramFake {
  start(): Promise<void>;
  stop(): Promise<void>;
  readonly apiRoot: string;
  readonly port: number;
  /** The web chat page, when `webChat` was set. */
  readonly webChatUrl: string | undefined;
  /** A user (cached by id and token); their private chat becomes known to the bot. */
  user(init: FakeUserInit): FakeUser;
  readonly faults: FaultInjector;
  calls(token?: string): ReadonlyArray<ApiCall>;
  /** The trace of an update, once a Bot API call made while handling it arrived. */
  updateTrace(token: string, updateId: number): string | undefined;
  /** Queues an update with a chosen update_id (replaying one tests duplicate delivery). */
  enqueueRaw(token: string, update: Partial<Update> & { update_id: number }): Update;
  on<E extends TelegramFakeEventName>(event: E, listener: (e: TelegramFakeEvents[E]) => void): void;
  off<E extends TelegramFakeEventName>(event: E, listener: (e: TelegramFakeEvents[E]) => void): void;
}

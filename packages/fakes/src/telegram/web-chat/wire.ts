/**
 * What the web chat server sends the page (JSON over server-sent events and fetch answers).
 * Types only: the browser code imports this file too (packages/fakes/src/telegram/web).
 */

/** A trace id with its Grafana Explore link. */
export interface WireTrace {
  readonly traceId: string;
  readonly url: string;
}

/** A Telegram MessageEntity, as much of it as the page renders. */
export interface WireEntity {
  readonly type: string;
  /** UTF-16 code units, as JavaScript strings count them. */
  readonly offset: number;
  readonly length: number;
  readonly url?: string;
  readonly language?: string;
}

/** An inline keyboard button; `pay` is the invoice's Pay button. */
export interface WireButton {
  readonly text: string;
  readonly kind: 'callback' | 'url' | 'pay' | 'other';
  readonly data?: string;
  readonly url?: string;
}

/** A photo, video, audio, document… the page can show or play. */
export interface WireMedia {
  readonly kind: string;
  /** Where the page loads it: the fake's own file endpoint. */
  readonly src: string;
  readonly fileName?: string;
  readonly mimeType?: string;
  readonly size?: number;
  /** Stickers: the emoji it stands for, shown while (or instead of) its picture. */
  readonly emoji?: string;
}

/** A Stars (or other) invoice. */
export interface WireInvoice {
  readonly title: string;
  readonly description: string;
  readonly currency: string;
  readonly totalAmount: number;
}

/** A message of the chat, bot's or user's, in its current state. */
export interface WireMessage {
  readonly id: number;
  readonly fromBot: boolean;
  /** Unix seconds. */
  readonly date: number;
  /** Text or caption, as shown (after parse_mode). */
  readonly text?: string;
  readonly entities?: readonly WireEntity[];
  readonly media?: WireMedia;
  readonly invoice?: WireInvoice;
  /** A service line instead of text ("You paid ⭐ 50"). */
  readonly service?: string;
  readonly keyboard?: readonly (readonly WireButton[])[];
  readonly edited: boolean;
  readonly deleted: boolean;
  /** Bot messages: the traces that sent and edited it. User messages: the trace of their update. */
  readonly traces: readonly WireTrace[];
  /** User messages: the update that carried it to the bot. */
  readonly updateId?: number;
}

/** A button press or a payment: not a message in Telegram, but an update with its own trace. */
export interface WirePress {
  readonly updateId: number;
  /** The message whose button was pressed (or whose invoice was paid). */
  readonly messageId: number;
  readonly kind: 'press' | 'pay';
  readonly label: string;
  /** Unix milliseconds. */
  readonly at: number;
  readonly trace?: WireTrace;
}

/** A simulated Telegram user. */
export interface WireUser {
  readonly id: number;
  readonly name: string;
  readonly language: string;
}

/** A fault the page can switch. */
export interface WireSwitch {
  readonly id: string;
  readonly group: string;
  readonly label: string;
  readonly description?: string;
  readonly on: boolean;
}

/** One server-sent event (`data:` is this object as JSON). */
export type WireEvent =
  | {
      readonly type: 'snapshot';
      readonly user: WireUser;
      readonly botName: string;
      readonly messages: readonly WireMessage[];
      readonly presses: readonly WirePress[];
      readonly switches: readonly WireSwitch[];
    }
  | { readonly type: 'message'; readonly message: WireMessage }
  | { readonly type: 'press'; readonly press: WirePress }
  | { readonly type: 'trace'; readonly updateId: number; readonly trace: WireTrace }
  | { readonly type: 'action'; readonly action: string; readonly trace?: WireTrace }
  | {
      readonly type: 'answer';
      readonly text?: string;
      readonly showAlert: boolean;
      readonly url?: string;
      readonly trace?: WireTrace;
    }
  | { readonly type: 'switches'; readonly switches: readonly WireSwitch[] }
  | { readonly type: 'users'; readonly users: readonly WireUser[] };

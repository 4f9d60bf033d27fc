import type { WireMessage, WirePress, WireSwitch, WireUser } from '../web-chat/wire.ts';

/** What `GET /chat/api/state` answers. */
export interface ChatState {
  users: WireUser[];
  switches: WireSwitch[];
  grafanaUrl: string;
  firstUser: WireUser;
  adminIds: number[];
  stickers: string[];
}

/** What the page knows right now; one object, so every module reads and writes the same values. */
export const page: {
  /** The user the page talks as (0 until one is chosen). */
  userId: number;
  users: readonly WireUser[];
  botName: string;
  adminIds: readonly number[];
} = {
  userId: 0,
  users: [],
  botName: 'The bot',
  adminIds: [],
};

/** The chat's messages by id, as last drawn. */
export const messages = new Map<number, WireMessage>();
/** Presses and payments by the id of the message they were made on. */
export const presses = new Map<number, WirePress[]>();

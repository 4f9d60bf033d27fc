import type { MessageEntity } from 'grammy/types';
import { badRequest } from './api-error.ts';

/** Text with entities, as Telegram stores a message after applying parse_mode. */
export interface FormattedText {
  text: string;
  entities: MessageEntity[];
}

/** The 400 Telegram gives for malformed markup. */
export function parseError(reason: string): Error {
  return badRequest(`can't parse entities: ${reason}`);
}

/** UTF-8 byte offset of a string index, which Telegram's parse errors cite. */
export function byteOffset(source: string, index: number): number {
  return Buffer.byteLength(source.slice(0, index), 'utf8');
}

/** Sorts entities as Telegram returns them: by offset, outer before inner. */
export function sortEntities(entities: MessageEntity[]): MessageEntity[] {
  return entities.sort((a, b) => a.offset - b.offset || b.length - a.length);
}

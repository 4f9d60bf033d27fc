import { createHash } from 'node:crypto';
import { messageText } from './message-text.ts';
import type { ChatMessage } from './types.ts';
import { writeNotes } from './write-notes.ts';
import { writeProtocol } from './write-protocol.ts';

const SYNTHESIS = /synthes|синтез/i;

/** True for a "synthesis" request: `metadata.kind === 'synthesis'` or a system prompt mentioning synthesis. */
export function isSynthesisRequest(messages: readonly ChatMessage[], metadata: unknown): boolean {
  if (
    typeof metadata === 'object' &&
    metadata !== null &&
    'kind' in metadata &&
    metadata.kind === 'synthesis'
  ) {
    return true;
  }
  return messages.some(
    (m) => (m.role === 'system' || m.role === 'developer') && SYNTHESIS.test(messageText(m)),
  );
}

/**
 * The fake's answer: a pure function of model and messages, so equal requests get equal text. A
 * synthesis request gets the protocol as the JSON the bot's prompt asks for; any other request
 * (a part of the text) gets labelled notes of its decisions, action items, questions and opening
 * sentences, so the protocol a person reads reflects the text they sent.
 */
export function deterministicCompletion(
  model: string,
  messages: readonly ChatMessage[],
  metadata?: unknown,
): string {
  const lastUser = [...messages].reverse().find((m) => m.role === 'user');
  const text = lastUser ? messageText(lastUser) : '';
  if (isSynthesisRequest(messages, metadata)) return writeProtocol(text);
  const ref = createHash('sha256')
    .update(JSON.stringify([model, messages]))
    .digest('hex')
    .slice(0, 8);
  return writeNotes(text, ref);
}

import { createHash } from 'node:crypto';
import { messageText } from './message-text.ts';
import type { ChatMessage } from './types.ts';

const FIRST_SENTENCE_MAX = 200;
const LIST_MAX = 5;
const DECISION = /\b(decid\w*|agreed?|approv\w*|resolved)\b|решил|решено|согласова|утверд/i;
const ACTION = /\b(todo|action|must|should|need to|will|assign\w*)\b|нужно|надо|должн|поручи/i;
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

function sentencesOf(text: string): string[] {
  return text
    .split(/(?<=[.!?…])\s+|\n+/)
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

function clip(text: string): string {
  return text.length > FIRST_SENTENCE_MAX ? `${text.slice(0, FIRST_SENTENCE_MAX - 1)}…` : text;
}

/**
 * The fake's answer: a pure function of model and messages, so equal requests get equal text.
 * Plain requests get a one-paragraph summary of the last user message; synthesis requests get a
 * Markdown protocol with Summary / Decisions / Action items / Open questions.
 */
export function deterministicCompletion(
  model: string,
  messages: readonly ChatMessage[],
  metadata?: unknown,
): string {
  const hash = createHash('sha256')
    .update(JSON.stringify([model, messages]))
    .digest('hex')
    .slice(0, 8);
  const lastUser = [...messages].reverse().find((m) => m.role === 'user');
  const text = lastUser ? messageText(lastUser) : '';
  const sentences = sentencesOf(text);
  const words = text.split(/\s+/).filter((w) => w !== '').length;
  const first = clip(sentences[0] ?? '(empty message)');
  const stats = `${words} words, ${sentences.length} sentences`;
  if (!isSynthesisRequest(messages, metadata)) return `Summary [${hash}]: ${first} (${stats}).`;

  const list = (items: string[], fallback: string, prefix = '- '): string =>
    (items.length > 0 ? items.slice(0, LIST_MAX).map(clip) : [fallback])
      .map((i) => `${prefix}${i}`)
      .join('\n');
  const questions = sentences.filter((s) => s.endsWith('?'));
  const statements = sentences.filter((s) => !s.endsWith('?'));
  return [
    '# Protocol',
    '',
    '## Summary',
    `${first} (${stats}; ref ${hash}).`,
    '',
    '## Decisions',
    list(
      statements.filter((s) => DECISION.test(s)),
      'No explicit decisions recorded.',
    ),
    '',
    '## Action items',
    list(
      statements.filter((s) => ACTION.test(s) && !DECISION.test(s)),
      'No action items recorded.',
      '- [ ] ',
    ),
    '',
    '## Open questions',
    list(questions, 'None.'),
  ].join('\n');
}

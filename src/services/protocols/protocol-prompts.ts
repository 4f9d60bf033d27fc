import type { LlmChatRequest } from '../../clients/llm/index.ts';

/** Completion budgets: notes of one segment, and the whole protocol. */
export const SEGMENT_MAX_TOKENS = 800;
export const SYNTHESIS_MAX_TOKENS = 2000;

// Deliberately free of the word the synthesis prompt uses: some gateways (and our fake) route on it.
const SEGMENT_SYSTEM = [
  'You are a meticulous minute-taker. You receive one part of a long text: a meeting transcript, notes or a document.',
  'Write compact notes on this part only: the key points, every decision, every action item with its owner',
  '(the person who will do it, if the text names one), and open questions.',
  'Write in the language of the text. Do not invent anything that is not in the text.',
].join(' ');

const SYNTHESIS_SYSTEM = [
  'You synthesize the notes on all parts of one long text into a single protocol.',
  'Answer with JSON only, no prose around it, in exactly this shape:',
  '{"summary": string, "decisions": string[], "action_items": [{"task": string, "owner": string | null}], "open_questions": string[]}.',
  'Merge duplicates across parts, keep the order of the text, name an owner only when the notes do,',
  'and write in the language of the notes.',
].join(' ');

/** The request for segment `index` (0-based) of `total`. */
export function segmentRequest(segment: string, index: number, total: number): LlmChatRequest {
  return {
    // The part number goes in the system message so the user message is the text itself.
    messages: [
      { role: 'system', content: `${SEGMENT_SYSTEM} This is part ${index + 1} of ${total}.` },
      { role: 'user', content: segment },
    ],
    maxTokens: SEGMENT_MAX_TOKENS,
    temperature: 0.2,
  };
}

/** The one request that joins every segment's notes, in order, into the protocol. */
export function synthesisRequest(notes: readonly string[]): LlmChatRequest {
  const parts = notes.map((n, i) => `[${i + 1}/${notes.length}] ${n.trim()}`).join('\n\n');
  return {
    messages: [
      { role: 'system', content: SYNTHESIS_SYSTEM },
      { role: 'user', content: parts },
    ],
    maxTokens: SYNTHESIS_MAX_TOKENS,
    temperature: 0.2,
  };
}

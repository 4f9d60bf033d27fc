import type { TokenUsage } from './token-usage.ts';
import type { LlmRequestRecord } from './types.ts';

/** Fields every response and chunk of one generation shares. */
export interface GenerationHead {
  readonly id: string;
  readonly created: number;
  readonly model: string;
  readonly provider: string;
}

/** The head of the generation that answers a call recorded as `rec`. */
export function generationHead(
  rec: Pick<LlmRequestRecord, 'id' | 'startedAt'>,
  model: string,
  provider: string,
): GenerationHead {
  return { id: rec.id, created: Math.floor(rec.startedAt / 1000), model, provider };
}

/** Finish reasons the fake produces. */
export type FinishReason = 'stop' | 'length' | 'error';

/** A non-streaming `chat.completion` body. */
export function completionBody(
  head: GenerationHead,
  content: string,
  finish: FinishReason,
  usage: TokenUsage,
): object {
  return {
    id: head.id,
    provider: head.provider,
    model: head.model,
    object: 'chat.completion',
    created: head.created,
    choices: [
      {
        logprobs: null,
        finish_reason: finish,
        native_finish_reason: finish,
        index: 0,
        message: { role: 'assistant', content, refusal: null, reasoning: null },
      },
    ],
    usage,
  };
}

/** One `chat.completion.chunk` with a single choice. */
export function chunkBody(
  head: GenerationHead,
  delta: Record<string, unknown>,
  finish: FinishReason | null = null,
): object {
  return {
    id: head.id,
    provider: head.provider,
    model: head.model,
    object: 'chat.completion.chunk',
    created: head.created,
    choices: [{ index: 0, delta, finish_reason: finish, native_finish_reason: finish, logprobs: null }],
  };
}

/** The closing chunk that carries `usage` and no choices (what OpenRouter sends last). */
export function usageChunkBody(head: GenerationHead, usage: TokenUsage): object {
  return {
    id: head.id,
    provider: head.provider,
    model: head.model,
    object: 'chat.completion.chunk',
    created: head.created,
    choices: [],
    usage,
  };
}

/** A mid-stream error chunk (llm-api.md §5); `error.code` is a string here, as it may be upstream. */
export function errorChunkBody(head: GenerationHead): object {
  return {
    id: head.id,
    provider: head.provider,
    model: head.model,
    object: 'chat.completion.chunk',
    created: head.created,
    error: { code: 'server_error', message: 'Provider disconnected unexpectedly' },
    choices: [{ index: 0, delta: { content: '' }, finish_reason: 'error', native_finish_reason: 'error' }],
  };
}

/** Splits text into stream pieces of a few words whose concatenation is the text. */
export function streamPieces(text: string, wordsPerPiece = 3): string[] {
  const tokens = text.match(/\s*\S+\s*/g) ?? (text === '' ? [] : [text]);
  const pieces: string[] = [];
  for (let i = 0; i < tokens.length; i += wordsPerPiece)
    pieces.push(tokens.slice(i, i + wordsPerPiece).join(''));
  return pieces;
}

import type { LlmFake } from '../../../packages/fakes/src/llm/index.ts';

/** Posts a chat-completions request to the fake with the test key. */
export function chat(
  fake: LlmFake,
  body: Record<string, unknown>,
  init: RequestInit & { key?: string } = {},
): Promise<Response> {
  return fetch(`${fake.baseUrl}/chat/completions`, {
    method: 'POST',
    ...init,
    headers: { Authorization: `Bearer ${init.key ?? 'llm-test-key'}`, 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });
}

/** A one-message request body. */
export function ask(text: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { model: 'openai/gpt-4o-mini', messages: [{ role: 'user', content: text }], ...extra };
}

/** A parsed non-streaming completion. */
export interface Completion {
  id: string;
  object: string;
  model: string;
  provider: string;
  choices: Array<{ index: number; message: { role: string; content: string }; finish_reason: string }>;
  usage: { prompt_tokens: number; completion_tokens: number; total_tokens: number; cost: number };
}

/** Splits an SSE body into its lines that are not blank. */
export function sseLines(text: string): string[] {
  return text.split('\n').filter((l) => l !== '');
}

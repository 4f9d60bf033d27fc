/** The `usage` object of a response (llm-api.md §6). */
export interface TokenUsage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
  cost: number;
  prompt_tokens_details: { cached_tokens: number };
  completion_tokens_details: { reasoning_tokens: number };
}

// Invented prices (credits per token), fixed so that costs are deterministic.
const PROMPT_PRICE_PER_MTOK = 1;
const COMPLETION_PRICE_PER_MTOK = 2;

/** Roughly four characters per token, rounded up; deterministic. */
export function tokensOf(chars: number): number {
  return Math.ceil(chars / 4);
}

/** Usage for a call with `promptChars` of input and `completion` as output. */
export function usageFor(promptChars: number, completion: string): TokenUsage {
  const prompt = tokensOf(promptChars);
  const output = tokensOf(completion.length);
  return {
    prompt_tokens: prompt,
    completion_tokens: output,
    total_tokens: prompt + output,
    cost: (prompt * PROMPT_PRICE_PER_MTOK + output * COMPLETION_PRICE_PER_MTOK) / 1_000_000,
    prompt_tokens_details: { cached_tokens: 0 },
    completion_tokens_details: { reasoning_tokens: 0 },
  };
}

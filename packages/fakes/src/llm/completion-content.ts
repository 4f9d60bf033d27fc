import type { FinishReason } from './completion-payloads.ts';
import { deterministicCompletion } from './deterministic-completion.ts';
import { tokensOf } from './token-usage.ts';
import type { LlmChatRequest, LlmFault } from './types.ts';

/** The text and finish reason for a successful (or partially successful) generation. */
export function completionContent(
  req: LlmChatRequest,
  fault: LlmFault | undefined,
): { content: string; finish: FinishReason } {
  if (fault?.kind === 'empty') return { content: '', finish: 'stop' };
  const full = deterministicCompletion(req.model, req.messages, req.body.metadata);
  if (fault?.kind === 'finish-error' || fault?.kind === 'error-in-200') {
    return { content: full.slice(0, Math.ceil(full.length / 2)), finish: 'error' };
  }
  const maxTokens = req.body.max_tokens ?? req.body.max_completion_tokens;
  if (typeof maxTokens === 'number' && maxTokens > 0 && tokensOf(full.length) > maxTokens) {
    return { content: full.slice(0, maxTokens * 4), finish: 'length' };
  }
  return { content: full, finish: 'stop' };
}

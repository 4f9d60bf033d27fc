/**
 * Fake OpenAI-compatible LLM API, OpenRouter flavour (llm-api.md §1–§7). Answers are a pure function of
 * model + messages; a request whose `metadata.kind` is 'synthesis', or whose system prompt mentions
 * synthesis, gets a Markdown protocol (Summary / Decisions / Action items / Open questions).
 */
export { createLlmFake } from './create-llm-fake.ts';
export { deterministicCompletion, isSynthesisRequest } from './deterministic-completion.ts';
export type {
  ChatMessage,
  LlmChatRequest,
  LlmFake,
  LlmFakeEvents,
  LlmFakeOptions,
  LlmFault,
  LlmFaultStatus,
  LlmRequestRecord,
} from './types.ts';

/**
 * Fake OpenAI-compatible LLM API, OpenRouter flavour (llm-api.md §1–§7). Answers are a pure function of
 * model + messages: a part of a text gets labelled notes of its decisions, action items, questions and
 * opening sentences; a request whose `metadata.kind` is 'synthesis', or whose system prompt mentions
 * synthesis, gets those notes joined into the protocol JSON the bot's synthesis prompt asks for.
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

import { createLlmFake, type LlmFake, type LlmFakeOptions } from '@tg-genbot/fakes/llm';
import { createLlmClient, type LlmClient, type LlmClientOptions } from '../../../src/clients/llm/index.ts';

/** A distinctive key, so tests can prove it never leaks. */
export const TEST_LLM_KEY = 'sk-or-v1-llm-secret-5e4d3c2b1a';
export const TEST_MODEL = 'openai/gpt-4o-mini';

/** Starts a fake (our key) and a client pointed at it with short delays; stops both afterwards. */
export async function withLlm(
  fakeOptions: LlmFakeOptions,
  clientOptions: Partial<LlmClientOptions>,
  fn: (fake: LlmFake, client: LlmClient) => Promise<void>,
): Promise<void> {
  const fake = createLlmFake({ apiKey: TEST_LLM_KEY, ...fakeOptions });
  await fake.start();
  const client = createLlmClient({
    baseUrl: fake.baseUrl,
    apiKey: TEST_LLM_KEY,
    model: TEST_MODEL,
    timeoutMs: 2000,
    ...clientOptions,
    retry: { baseDelayMs: 10, maxDelayMs: 50, ...clientOptions.retry },
  });
  try {
    await fn(fake, client);
  } finally {
    await client.close();
    await fake.stop();
  }
}

/** A one-message request. */
export const ask = (text: string) => ({ messages: [{ role: 'user' as const, content: text }] });

/** The rejection of a promise that must reject. */
export async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}

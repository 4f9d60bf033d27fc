import { createKieClient, type KieClient } from '../clients/kie/index.ts';
import { createLlmClient, type LlmClient } from '../clients/llm/index.ts';
import { clockWithNow } from '../clock.ts';
import type { Config } from '../config.ts';

/** The outbound API clients; each is undefined without its key. */
export interface Clients {
  readonly kie: KieClient | undefined;
  readonly llm: LlmClient | undefined;
}

/** `clock` paces the KIE rate limiter (tests skip time). */
export function createClients(config: Pick<Config, 'kie' | 'llm'>, clock: () => Date): Clients {
  // Without a key generations are unavailable (the menu says so); the rest of the bot still runs.
  const kie: KieClient | undefined = config.kie.apiKey
    ? createKieClient({ ...config.kie, apiKey: config.kie.apiKey, clock: clockWithNow(clock) })
    : undefined;
  // Without an LLM key protocols are unavailable (the menu says so); the rest of the bot still runs.
  const llm = config.llm.apiKey
    ? createLlmClient({
        ...config.llm,
        apiKey: config.llm.apiKey,
        retry: { maxAttempts: config.llm.maxAttempts },
      })
    : undefined;
  return { kie, llm };
}

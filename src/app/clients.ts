import { createKieClient, type KieClient } from '../clients/kie/index.ts';
import { createLlmClient, type LlmClient } from '../clients/llm/index.ts';
import type { Config } from '../config.ts';

/** The outbound API clients; each is undefined without its key. */
export interface Clients {
  readonly kie: KieClient | undefined;
  readonly llm: LlmClient | undefined;
}

export function createClients(config: Pick<Config, 'kie' | 'llm'>): Clients {
  // Without a key generations are unavailable (the menu says so); the rest of the bot still runs.
  const kie: KieClient | undefined = config.kie.apiKey
    ? createKieClient({ ...config.kie, apiKey: config.kie.apiKey })
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

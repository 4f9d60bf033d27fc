import type { TelegramFake, TelegramFakeEvents } from '@tg-genbot/fakes/telegram';

type ApiRequest = TelegramFakeEvents['api-request'];

/**
 * Resolves when the Telegram fake receives the next request for `method` (case-insensitive), before
 * its injected delay or the method runs: for a getUpdates that waits, the poll is held open by then.
 * Rejects after a generous `timeoutMs`, so a request that never comes fails with its name.
 */
export function nextApiRequest(fake: TelegramFake, method: string, timeoutMs = 15_000): Promise<ApiRequest> {
  return new Promise((resolve, reject) => {
    const onRequest = (request: ApiRequest): void => {
      if (request.method.toLowerCase() !== method.toLowerCase()) return;
      clearTimeout(timer);
      fake.off('api-request', onRequest);
      resolve(request);
    };
    const timer = setTimeout(() => {
      fake.off('api-request', onRequest);
      reject(new Error(`the Telegram fake got no ${method} request within ${timeoutMs} ms`));
    }, timeoutMs);
    fake.on('api-request', onRequest);
  });
}

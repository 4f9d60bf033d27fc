import type { BotState } from './bot-state.ts';
import type { FakeCore } from './fake-core.ts';
import type { CallbackAnswer } from './types.ts';

/** Resolves with the bot's answer to callback query `queryId` in chat `chatId`, already given or to come. */
export function waitForCallbackAnswer(
  core: FakeCore,
  bot: BotState,
  chatId: number,
  queryId: string,
  timeoutMs: number,
): Promise<CallbackAnswer> {
  const existing = bot.chat(chatId).callbackAnswers.find((a) => a.queryId === queryId);
  if (existing) return Promise.resolve(existing);
  return new Promise((resolve, reject) => {
    const onAnswer = (e: { token: string; answer: CallbackAnswer }): void => {
      if (e.token !== bot.token || e.answer.queryId !== queryId) return;
      cleanup();
      resolve(e.answer);
    };
    const onStop = (): void => {
      cleanup();
      reject(new Error('waitForCallbackAnswer: the Telegram fake stopped'));
    };
    const timer = setTimeout(() => {
      cleanup();
      reject(
        new Error(`waitForCallbackAnswer: callback query ${queryId} was not answered within ${timeoutMs} ms`),
      );
    }, timeoutMs);
    const cleanup = (): void => {
      clearTimeout(timer);
      core.events.off('callback-answer', onAnswer);
      core.stopSignal.removeEventListener('abort', onStop);
    };
    core.events.on('callback-answer', onAnswer);
    core.stopSignal.addEventListener('abort', onStop, { once: true });
  });
}

import type { Transformer } from 'grammy';

const TOO_OLD = /query is too old|query ID is invalid/i;

/**
 * For an update handled again after a failure: its callback or pre-checkout query may have expired
 * meanwhile, and answering it is then pointless but must not stop the rest of the handler (the
 * charge, the reply). Telegram's refusal is turned into the `true` a timely answer gets.
 */
export const lateAnswerTransformer: Transformer = async (prev, method, payload, signal) => {
  const res = await prev(method, payload, signal);
  if (
    !res.ok &&
    (method === 'answerCallbackQuery' || method === 'answerPreCheckoutQuery') &&
    res.error_code === 400 &&
    TOO_OLD.test(res.description)
  ) {
    return { ok: true, result: true } as unknown as typeof res;
  }
  return res;
};

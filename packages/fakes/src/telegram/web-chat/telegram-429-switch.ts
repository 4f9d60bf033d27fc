import type { FakeCore } from '../fake-core.ts';
import type { ApiCall, Fault, FaultSwitch } from '../types.ts';

/** Sends and edits: what Telegram's flood control limits (chat actions are not counted). */
const LIMITED = /^(send(?!ChatAction)|edit)/i;
/** Marks our 429s, so the switch knows its fault was used and not the fake's own rate limiter's. */
const DESCRIPTION = 'Too Many Requests: retry after 1 (sandbox fault switch)';

/**
 * While on, a send or edit is answered 429 (retry_after 1 s) and the next attempt succeeds, then
 * the following send or edit gets a 429 again, and so on: every message goes through the bot's
 * retry path (retry events on its telegram.api span) without the conversation breaking.
 */
export function telegram429Switch(core: FakeCore): FaultSwitch {
  let on = false;
  let armed: Fault | undefined;
  let used = false;
  const arm = (): void => {
    armed = { kind: '429', method: LIMITED, retryAfter: 1, description: DESCRIPTION };
    used = false;
    core.faults.inject(armed);
  };
  const onCall = (call: ApiCall): void => {
    if (!on) return;
    if (call.response.description === DESCRIPTION) used = true;
    else if (used && call.response.ok && LIMITED.test(call.method)) arm();
  };
  return {
    id: 'telegram-429',
    group: 'Telegram',
    label: 'Telegram answers 429',
    description: 'Every other send or edit gets 429 Too Many Requests (retry after 1 s)',
    isOn: () => on,
    set(next) {
      if (next === on) return;
      on = next;
      if (on) {
        core.events.on('api-call', onCall);
        arm();
      } else {
        core.events.off('api-call', onCall);
        if (armed) core.faults.remove(armed);
        armed = undefined;
      }
    },
  };
}

import type { KieFake } from '@tg-genbot/fakes/kie';
import type { LlmFake } from '@tg-genbot/fakes/llm';
import type { FaultSwitch } from '@tg-genbot/fakes/telegram';

/** How slow the LLM is while its "slow" switch is on: long enough to watch progress messages. */
export const SLOW_LLM_LATENCY_MS = 20_000;

/** A switch whose state is a flag and whose effect is applied on every change. */
function flagSwitch(init: Omit<FaultSwitch, 'isOn' | 'set'>, apply: (on: boolean) => void): FaultSwitch {
  let on = false;
  return {
    ...init,
    isOn: () => on,
    set(next) {
      if (next === on) return;
      on = next;
      apply(on);
    },
  };
}

/** The KIE and LLM faults the web chat can switch, each through the fake's own controls. */
export function sandboxFaultSwitches(
  kie: KieFake,
  llm: LlmFake,
  options: { kieCredits: number; slowLlmMs?: number },
): FaultSwitch[] {
  const slowMs = options.slowLlmMs ?? SLOW_LLM_LATENCY_MS;
  return [
    flagSwitch(
      {
        id: 'kie-fail',
        group: 'KIE',
        label: 'KIE tasks fail',
        description: 'Every new generation task ends in state fail (code 500), so the bot refunds it',
      },
      // '*' is every model; a sticky behaviour replaces the previous one.
      (on) =>
        kie.script(
          '*',
          on
            ? { outcome: 'fail', failCode: '500', failMsg: 'Internal server error' }
            : { outcome: 'success' },
        ),
    ),
    flagSwitch(
      {
        id: 'kie-402',
        group: 'KIE',
        label: 'KIE credits run out (402)',
        description: 'The KIE account balance is 0: creating a task answers 402',
      },
      (on) => kie.setCredits(on ? 0 : options.kieCredits),
    ),
    flagSwitch(
      {
        id: 'llm-402',
        group: 'LLM',
        label: 'LLM credits run out (402)',
        description: 'Every chat completion from now on answers 402 Payment Required',
      },
      (on) => llm.setFailAfter(on ? { calls: llm.calls(), status: 402 } : undefined),
    ),
    flagSwitch(
      {
        id: 'llm-slow',
        group: 'LLM',
        label: 'LLM is slow',
        description: `Each chat completion waits ${slowMs / 1000} s before answering`,
      },
      (on) => llm.setLatency(on ? slowMs : 0),
    ),
  ];
}

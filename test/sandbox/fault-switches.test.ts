import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createKieFake } from '@tg-genbot/fakes/kie';
import { createLlmFake } from '@tg-genbot/fakes/llm';
import type { FaultSwitch } from '@tg-genbot/fakes/telegram';
import { sandboxFaultSwitches } from '@tg-genbot/sandbox';
import { kieCall, nanoBanana } from '../fakes/kie/kie-test-client.ts';
import { ask, chat, sseLines } from '../fakes/llm/llm-test-client.ts';

describe('sandbox fault switches (KIE and LLM)', () => {
  const kie = createKieFake({ timeScale: 0.001, rateLimits: false });
  // Keep-alive comments every 50 ms while a stream waits: they show whether the fake waited at all.
  const llm = createLlmFake({ keepAliveIntervalMs: 50 });
  let switches: Map<string, FaultSwitch>;
  before(async () => {
    await Promise.all([kie.start(), llm.start()]);
    switches = new Map(
      sandboxFaultSwitches(kie, llm, { kieCredits: 500, slowLlmMs: 300 }).map((s) => [s.id, s]),
    );
  });
  after(() => Promise.all([kie.stop(), llm.stop()]));
  const toggle = (id: string, on: boolean) => {
    const target = switches.get(id);
    assert.ok(target, id);
    target.set(on);
    assert.equal(target.isOn(), on);
  };
  const createTask = async () => {
    const reply = await kieCall(kie, '/api/v1/jobs/createTask', nanoBanana());
    return reply.body;
  };

  it('lists the switches the page shows, all off', () => {
    assert.deepEqual(
      [...switches.values()].map((s) => [s.group, s.id, s.isOn()]),
      [
        ['KIE', 'kie-fail', false],
        ['KIE', 'kie-402', false],
        ['LLM', 'llm-402', false],
        ['LLM', 'llm-slow', false],
      ],
    );
  });

  it('KIE tasks fail while on, and succeed again when off', async () => {
    toggle('kie-fail', true);
    const failing = (await createTask()).data as { taskId: string };
    toggle('kie-fail', false);
    const fine = (await createTask()).data as { taskId: string };
    const outcome = (id: string) => kie.tasks().find((t) => t.id === id)?.behaviour.outcome;
    assert.equal(outcome(failing.taskId), 'fail');
    assert.equal(outcome(fine.taskId), 'success');
  });

  it('KIE answers 402 while its credits are switched off, and has them back after', async () => {
    toggle('kie-402', true);
    assert.equal(kie.credits(), 0);
    assert.equal((await createTask()).code, 402);
    toggle('kie-402', false);
    assert.equal(kie.credits(), 500);
    assert.equal((await createTask()).code, 200);
  });

  it('LLM answers 402 from the moment it is on, and stops when off', async () => {
    assert.equal((await chat(llm, ask('before'))).status, 200);
    toggle('llm-402', true);
    const refused = await chat(llm, ask('during'));
    assert.equal(refused.status, 402);
    assert.equal(((await refused.json()) as { error: { code: number } }).error.code, 402);
    toggle('llm-402', false);
    assert.equal((await chat(llm, ask('after'))).status, 200);
  });

  it('LLM is slow while on', async () => {
    // A streamed answer opens with one keep-alive comment and sends another every 50 ms it waits, so
    // their count tells a call that waited from one that did not, however busy the machine is.
    const streamed = async () => {
      const started = performance.now();
      const res = await chat(llm, ask('time me', { stream: true }));
      assert.equal(res.status, 200);
      const keepAlives = sseLines(await res.text()).filter((l) => l === ': OPENROUTER PROCESSING').length;
      return { keepAlives, ms: performance.now() - started };
    };
    toggle('llm-slow', true);
    const slow = await streamed();
    toggle('llm-slow', false);
    const fast = await streamed();
    assert.ok(slow.ms >= 290, `slow call took ${slow.ms} ms`);
    assert.equal(slow.keepAlives, 6, 'kept alive through 300 ms of waiting');
    assert.equal(fast.keepAlives, 1, 'answered without waiting');
  });
});

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createKieFake, type KieFake } from '../../../packages/fakes/src/kie/index.ts';
import { kieCall, nanoBanana } from './kie-test-client.ts';

describe('createKieFake: rate limits (§4, §9 row 6)', () => {
  let fake: KieFake;
  before(async () => {
    fake = createKieFake({ timeScale: 0.01 });
    await fake.start();
  });
  after(() => fake.stop());

  it('rejects the 21st create inside 10 s with 429, creating and charging nothing', async () => {
    const codes: number[] = [];
    for (let i = 0; i < 20; i++)
      codes.push((await kieCall(fake, '/api/v1/jobs/createTask', nanoBanana())).body.code);
    assert.ok(codes.every((c) => c === 200));
    const credits = fake.credits();
    const rejected = await kieCall(fake, '/api/v1/jobs/createTask', nanoBanana());
    assert.deepEqual([rejected.status, rejected.body.code], [429, 429]);
    assert.equal(fake.tasks().length, 20);
    assert.equal(fake.credits(), credits);
  });

  it('rejects the 11th recordInfo inside one second with 429', async () => {
    const taskId = fake.tasks()[0]?.id ?? '';
    // Wait out any polls the previous test might have left in the window.
    await new Promise((r) => setTimeout(r, 1000));
    const statuses: number[] = [];
    for (let i = 0; i < 11; i++)
      statuses.push((await kieCall(fake, `/api/v1/jobs/recordInfo?taskId=${taskId}`)).status);
    assert.deepEqual(statuses, [...Array(10).fill(200), 429]);
    assert.equal(fake.tasks()[0]?.polls, 10, 'a rejected poll never reaches the task');
    // Credit checks are free and unthrottled.
    assert.equal((await kieCall(fake, '/api/v1/chat/credit')).status, 200);
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createKieFake } from '../../../packages/fakes/src/kie/index.ts';
import { kieCall, nanoBanana, waitFor } from './kie-test-client.ts';

describe('createKieFake: result retention (§9 row 7)', () => {
  it('serves a result file until resultExpirySeconds after completion, then 404', async () => {
    const fake = createKieFake({ timeScale: 0.01, resultExpirySeconds: 0.5 });
    await fake.start();
    try {
      const { taskId } = (await kieCall(fake, '/api/v1/jobs/createTask', nanoBanana())).body.data as {
        taskId: string;
      };
      const early = await fetch(`${fake.baseUrl}/files/${taskId}/0.png`);
      assert.equal(early.status, 404, 'nothing to serve before success');
      await early.text();
      await waitFor(() => fake.tasks()[0]?.state === 'success');
      const url = fake.tasks()[0]?.resultUrls[0] ?? '';
      const fresh = await fetch(url);
      assert.equal(fresh.status, 200);
      await fresh.arrayBuffer();
      await new Promise((r) => setTimeout(r, 600));
      const expired = await fetch(url);
      assert.equal(expired.status, 404);
      await expired.text();
    } finally {
      await fake.stop();
    }
  });
});

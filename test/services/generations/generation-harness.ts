import { createKieFake, type KieFake, type TaskBehaviour } from '@tg-genbot/fakes/kie';
import { createKieClient, type KieClient } from '../../../src/clients/kie/index.ts';
import type { DatabaseHandle } from '../../../src/db/database.ts';
import { type BillingService, createBillingService } from '../../../src/services/billing/billing.service.ts';
import {
  createGenerationService,
  type Generation,
  type GenerationService,
  type GenerationServiceDeps,
} from '../../../src/services/generations/index.ts';
import { createUserService } from '../../../src/services/user.service.ts';
import { createTestDatabase, type TestDatabase } from '../../support/test-database.ts';

/** What MODEL costs whatever the options. */
export const PRICE = 7;
export const MODEL = {
  id: 'nano-banana',
  kieModel: 'google/nano-banana',
  api: 'market',
  prices: [{ when: {}, credits: PRICE, kieCredits: 4 }],
  inputs: [],
} as const;
export const CREATE_PATH = '/api/v1/jobs/createTask';
const FAST: TaskBehaviour['stateDurationsMs'] = { waiting: 100, queuing: 100, generating: 200 };

/** A fake KIE (fast states, no rate limits), a client, a migrated database and a service factory. */
export interface GenerationHarness {
  readonly testDb: TestDatabase;
  handle: DatabaseHandle;
  readonly fake: KieFake;
  readonly kie: KieClient;
  billing: BillingService;
  service(overrides?: Partial<GenerationServiceDeps>, handle?: DatabaseHandle): GenerationService;
  /** A fresh user with `credits` on the balance. */
  user(credits: number): Promise<number>;
  script(outcome: TaskBehaviour['outcome'], times?: number): void;
  createCalls(): number;
  close(): Promise<void>;
}

let nextUser = 7000;

export async function createGenerationHarness(): Promise<GenerationHarness> {
  const testDb = createTestDatabase();
  const handle = await testDb.open();
  const fake = createKieFake({ timeScale: 0.05, rateLimits: false });
  await fake.start();
  const kie = createKieClient({
    baseUrl: fake.baseUrl,
    apiKey: 'kie-test-key',
    timeoutMs: 2000,
    createPer10s: 1000,
    pollsPerSecond: 1000,
    retry: { maxAttempts: 1 },
  });
  const h: GenerationHarness = {
    testDb,
    handle,
    fake,
    kie,
    billing: createBillingService(handle.db),
    service: (overrides = {}, on = h.handle) =>
      createGenerationService({
        db: on.db,
        billing: createBillingService(on.db),
        kie,
        schedule: () => 20,
        ...overrides,
      }),
    async user(credits) {
      const id = (await createUserService(h.handle.db).touch(nextUser++)).id;
      if (credits > 0) await h.billing.topUp(id, credits, { idempotencyKey: `seed-${id}` });
      return id;
    },
    script: (outcome, times) =>
      fake.script(MODEL.kieModel, { outcome, stateDurationsMs: FAST, ...(times ? { times } : {}) }),
    createCalls: () => fake.requests().filter((r) => r.path === CREATE_PATH).length,
    async close() {
      await kie.close();
      await fake.stop();
      await testDb.dispose();
    },
  };
  return h;
}

/** Runs `runDue` until every listed generation reached one of `statuses`, or throws after timeoutMs. */
export async function runUntil(
  service: GenerationService,
  ids: readonly string[],
  statuses: readonly string[],
  timeoutMs = 15_000,
  workerId = 'w-test',
): Promise<Generation[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    await service.runDue({ limit: 50, workerId });
    const all = await Promise.all(ids.map((id) => service.get(id)));
    if (all.every((g) => g && statuses.includes(g.status))) return all as Generation[];
    if (Date.now() > deadline) throw new Error(`not settled: ${all.map((g) => g?.status).join(',')}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

import { createKieFake, type KieFake, type KieFakeOptions } from '@tg-genbot/fakes/kie';
import { createKieClient, type KieClient, type KieClientOptions } from '../../../src/clients/kie/index.ts';

/** A distinctive key, so tests can prove it never leaks. */
export const TEST_KIE_KEY = 'kie-secret-9f8e7d6c5b4a';

/** Starts a fake (small timeScale, our key) and a client pointed at it; stops both afterwards. */
export async function withKie(
  fakeOptions: KieFakeOptions,
  clientOptions: Partial<KieClientOptions>,
  fn: (fake: KieFake, client: KieClient) => Promise<void>,
): Promise<void> {
  const fake = createKieFake({ timeScale: 0.01, apiKey: TEST_KIE_KEY, ...fakeOptions });
  await fake.start();
  const client = createKieClient({
    baseUrl: fake.baseUrl,
    // The fake serves the upload host's endpoint on the same port.
    uploadBaseUrl: fake.baseUrl,
    apiKey: TEST_KIE_KEY,
    timeoutMs: 2000,
    createPer10s: 20,
    pollsPerSecond: 10,
    retry: { baseDelayMs: 10, maxDelayMs: 100 },
    ...clientOptions,
  });
  try {
    await fn(fake, client);
  } finally {
    await client.close();
    await fake.stop();
  }
}

/** API requests the fake saw for one path. */
export function requestsTo(fake: KieFake, path: string) {
  return fake.requests().filter((r) => r.path === path);
}

export const CREATE_PATH = '/api/v1/jobs/createTask';

/** A valid nano-banana request. */
export const NANO_BANANA = { model: 'google/nano-banana', input: { prompt: 'a red fox in snow' } } as const;

/** Polls recordInfo until the task is done. */
export async function pollUntilDone(client: KieClient, taskId: string, timeoutMs = 5000) {
  const deadline = Date.now() + timeoutMs;
  for (let attempt = 1; ; attempt += 1) {
    const info = await client.recordInfo(taskId, { attempt, model: NANO_BANANA.model });
    if (info.done) return info;
    if (Date.now() > deadline) throw new Error(`task ${taskId} still ${info.state}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** A valid Suno request in non-custom mode (kie-api.md §7). */
export const SONG = {
  model: 'V4_5',
  input: { prompt: 'A calm song about the sea', instrumental: true },
} as const;

/** Polls Suno record-info until the task is done, within Suno's 3 polls per second per task. */
export async function pollMusicUntilDone(client: KieClient, taskId: string, timeoutMs = 5000) {
  const deadline = Date.now() + timeoutMs;
  for (let attempt = 1; ; attempt += 1) {
    const info = await client.musicRecordInfo(taskId, { attempt, model: SONG.model });
    if (info.done) return info;
    if (Date.now() > deadline) throw new Error(`task ${taskId} still ${info.state}`);
    await new Promise((r) => setTimeout(r, 350));
  }
}

/** Awaits a rejection and returns the error. */
export async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}

/** A valid Veo 3.1 Fast text-to-video request, options under Veo's camelCase keys (kie-api.md §8). */
export const VIDEO = {
  model: 'veo3_fast',
  input: { prompt: 'A dog playing in a park', aspectRatio: '16:9', resolution: '720p', duration: '8' },
} as const;

/** Polls Veo record-info until the task is done. */
export async function pollVideoUntilDone(client: KieClient, taskId: string, timeoutMs = 5000) {
  const deadline = Date.now() + timeoutMs;
  for (let attempt = 1; ; attempt += 1) {
    const info = await client.videoRecordInfo(taskId, { attempt, model: VIDEO.model });
    if (info.done) return info;
    if (Date.now() > deadline) throw new Error(`task ${taskId} still ${info.state}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

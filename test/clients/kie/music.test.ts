import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { inspect } from 'node:util';
import {
  KieApiError,
  type KieTaskInfo,
  RateLimiter,
  SUNO_PLACEHOLDER_CALLBACK_URL,
} from '../../../src/clients/kie/index.ts';
import { parseSunoTaskInfo } from '../../../src/clients/kie/parse-suno-task-info.ts';
import { manualClock } from '../../support/manual-clock.ts';
import { pollMusicUntilDone, rejectionOf, requestsTo, SONG, withKie } from './kie-client-harness.ts';

const GENERATE = '/api/v1/generate';
const RECORD_INFO = '/api/v1/generate/record-info';

describe('KIE client: Suno music (§7, §8)', () => {
  it('creates a song and normalises record-info to the Market shape, audio URLs as resultUrls', () =>
    withKie({}, {}, async (fake, client) => {
      fake.script(SONG.model, {
        outcome: 'success',
        stateDurationsMs: { waiting: 60_000, queuing: 60_000, generating: 60_000 },
      });
      const { taskId } = await client.createMusicTask(SONG);
      const states: string[] = [];
      const statuses: string[] = [];
      let info: KieTaskInfo | undefined;
      for (let attempt = 1; !info?.done; attempt++) {
        info = await client.musicRecordInfo(taskId, { attempt, model: SONG.model });
        if (states.at(-1) !== info.state) states.push(info.state);
        if (statuses.at(-1) !== info.sunoStatus) statuses.push(info.sunoStatus ?? '');
        assert.equal(info.done, info.state === 'success');
        if (!info.done) await new Promise((r) => setTimeout(r, 350));
      }
      assert.deepEqual(states, ['waiting', 'generating', 'success']);
      assert.deepEqual(statuses, ['PENDING', 'TEXT_SUCCESS', 'FIRST_SUCCESS', 'SUCCESS']);
      assert.equal(info.taskId, taskId);
      assert.equal(info.model, 'V4_5', 'read from param');
      assert.equal(info.failCode, undefined);
      assert.equal(info.resultUrls?.length, 2);
      assert.deepEqual(
        info.resultUrls,
        info.tracks?.map((t) => t.audioUrl),
      );
      assert.ok(info.tracks?.every((t) => t.id && t.duration && t.imageUrl && t.title));
      const audio = await fetch(info.resultUrls?.[0] ?? '');
      assert.equal(audio.headers.get('content-type'), 'audio/mpeg');
      assert.ok((await audio.arrayBuffer()).byteLength > 0);
    }));

  it('fills customMode, instrumental, model and the placeholder callBackUrl Suno requires', () =>
    withKie({}, {}, async (fake, client) => {
      await client.createMusicTask({ model: 'V4_5', input: { prompt: 'a waltz' } });
      await client.createMusicTask({
        model: 'V5',
        input: { prompt: 'a march', instrumental: true, model: 'V4', callBackUrl: 'http://evil/' },
        callBackUrl: 'https://bot.example/kie/callback?generation=g1',
      });
      const [first, second] = fake.tasks().map((t) => t.request);
      assert.deepEqual(first, {
        prompt: 'a waltz',
        customMode: false,
        instrumental: false,
        model: 'V4_5',
        callBackUrl: SUNO_PLACEHOLDER_CALLBACK_URL,
      });
      assert.equal(new URL(SUNO_PLACEHOLDER_CALLBACK_URL).hostname.endsWith('.invalid'), true);
      assert.deepEqual(
        [second?.model, second?.instrumental, second?.callBackUrl],
        ['V5', true, 'https://bot.example/kie/callback?generation=g1'],
        'the request fields win over input keys of the same name',
      );
    }));

  it('reports a failed song as state fail with the Suno status as failCode and the message', () =>
    withKie({}, {}, async (fake, client) => {
      fake.script('*', { outcome: 'fail', failCode: 'SENSITIVE_WORD_ERROR', failMsg: 'Sensitive words' });
      const { taskId } = await client.createMusicTask(SONG);
      const info = await pollMusicUntilDone(client, taskId);
      assert.deepEqual(
        [info.state, info.done, info.sunoStatus, info.failCode, info.failMsg],
        ['fail', true, 'SENSITIVE_WORD_ERROR', 'SENSITIVE_WORD_ERROR', 'Sensitive words'],
      );
      assert.equal(info.resultUrls, undefined);
    }));

  it('maps generate errors to the same classes (endpoint generate) and never resends a 422', () =>
    withKie({}, {}, async (fake, client) => {
      fake.failNext('generate', 402);
      const broke = await rejectionOf(client.createMusicTask(SONG));
      assert.ok(broke instanceof KieApiError, inspect(broke));
      assert.deepEqual(
        [broke.code, broke.endpoint, broke.retryable],
        ['kie.insufficient_credits', 'generate', false],
      );
      const invalid = await rejectionOf(client.createMusicTask({ model: 'V9', input: { prompt: 'x' } }));
      assert.ok(invalid instanceof KieApiError);
      assert.equal(invalid.code, 'kie.422');
      assert.equal(requestsTo(fake, GENERATE).length, 2);
    }));

  it('retries a record-info 429 and 500, and a 404 is final', () =>
    withKie({}, { pollWindowMs: 50 }, async (fake, client) => {
      const { taskId } = await client.createMusicTask(SONG);
      fake.failNext('generateRecordInfo', 429);
      fake.failNext('generateRecordInfo', 500);
      const info = await client.musicRecordInfo(taskId);
      assert.equal(info.taskId, taskId);
      assert.deepEqual(
        requestsTo(fake, RECORD_INFO).map((r) => r.code),
        [429, 500, 200],
      );
      const missing = await rejectionOf(client.musicRecordInfo('nope'));
      assert.ok(missing instanceof KieApiError);
      assert.deepEqual([missing.code, missing.endpoint], ['kie.404', 'generateRecordInfo']);
    }));

  it('shares the create limiter with Market createTask (20 new generations per 10 s, §4)', async () => {
    const clock = manualClock();
    const limiters = {
      create: new RateLimiter({ limit: 2, windowMs: 300, clock }),
      poll: new RateLimiter({ limit: 10, windowMs: 1000, clock }),
    };
    await withKie({}, { limiters, clock }, async (fake, client) => {
      const positions: number[] = [];
      const first = Promise.all([
        client.createTask({ model: 'google/nano-banana', input: { prompt: 'x' } }),
        client.createMusicTask(SONG),
      ]);
      const third = client.createMusicTask(SONG, { onQueuePosition: (p) => positions.push(p) });
      await first;
      assert.deepEqual(positions, [1]);
      assert.equal(limiters.create.queued, 1, 'the third waits for the window');
      clock.advance(300);
      await third;
      assert.equal(fake.tasks().length, 3);
    });
  });
});

describe('parseSunoTaskInfo', () => {
  const track = (n: number, audio: boolean) => ({
    id: `t${n}`,
    audioUrl: audio ? `https://cdn/x${n}.mp3` : '',
    streamAudioUrl: `https://cdn/s${n}`,
    imageUrl: '',
    title: 'Song',
    tags: 'rock',
    createTime: '2025-01-01 00:00:00',
    duration: audio ? 198.44 : null,
  });
  const data = (status: string, tracks: unknown[], extra: Record<string, unknown> = {}) => ({
    taskId: 'abc',
    param: JSON.stringify({ prompt: 'p', model: 'V5' }),
    response: { taskId: 'abc', sunoData: tracks },
    status,
    errorCode: null,
    errorMessage: null,
    ...extra,
  });

  it('treats CALLBACK_EXCEPTION with every audio URL present as success, without audio as failure', () => {
    const delivered = parseSunoTaskInfo(data('CALLBACK_EXCEPTION', [track(0, true), track(1, true)]), 'abc');
    assert.deepEqual([delivered.state, delivered.resultUrls?.length], ['success', 2]);
    const lost = parseSunoTaskInfo(data('CALLBACK_EXCEPTION', [track(0, true), track(1, false)]), 'abc');
    assert.deepEqual(
      [lost.state, lost.failCode, lost.failMsg],
      ['fail', 'CALLBACK_EXCEPTION', 'CALLBACK_EXCEPTION'],
    );
  });

  it('keeps an unknown status as the state (still running), reads integer error codes and drops empty fields', () => {
    const odd = parseSunoTaskInfo(data('QUEUED_SOMEWHERE', []), 'abc');
    assert.deepEqual(
      [odd.state, odd.done, odd.model, odd.tracks],
      ['QUEUED_SOMEWHERE', false, 'V5', undefined],
    );
    const failed = parseSunoTaskInfo(
      data('GENERATE_AUDIO_FAILED', [], { errorCode: 400, errorMessage: 'copyrighted lyrics' }),
      'abc',
    );
    assert.deepEqual([failed.failCode, failed.failMsg], ['400', 'copyrighted lyrics']);
    const first = parseSunoTaskInfo(data('FIRST_SUCCESS', [track(0, true), track(1, false)]), 'abc');
    assert.equal(first.state, 'generating');
    assert.equal(first.resultUrls, undefined, 'no result before SUCCESS');
    assert.deepEqual(first.tracks?.[1], {
      id: 't1',
      streamAudioUrl: 'https://cdn/s1',
      title: 'Song',
      tags: 'rock',
    });
  });
});

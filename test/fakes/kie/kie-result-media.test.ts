import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createKieFake, type KieFake } from '../../../packages/fakes/src/kie/index.ts';
import { imageSize } from '../../../packages/fakes/src/telegram/image-size.ts';
import { decodePng } from '../../support/decode-png.ts';
import { kieCall, nanoBanana, waitFor } from './kie-test-client.ts';

const succeeded = (fake: KieFake, taskId: string) =>
  waitFor(() => fake.tasks().some((t) => t.id === taskId && t.state === 'success'));

async function get(url: string): Promise<{ type: string | null; bytes: Buffer; length: string | null }> {
  const res = await fetch(url);
  assert.equal(res.status, 200, url);
  return {
    type: res.headers.get('content-type'),
    length: res.headers.get('content-length'),
    bytes: Buffer.from(await res.arrayBuffer()),
  };
}

/** The top-level MP4 boxes, by type: [type, size]. */
function mp4Boxes(bytes: Buffer): Array<[string, number]> {
  const boxes: Array<[string, number]> = [];
  for (let at = 0; at + 8 <= bytes.length; ) {
    const size = bytes.readUInt32BE(at);
    boxes.push([bytes.toString('latin1', at + 4, at + 8), size]);
    if (size < 8) break;
    at += size;
  }
  return boxes;
}

describe('createKieFake: result files are real media', () => {
  let fake: KieFake;
  before(async () => {
    fake = createKieFake({ timeScale: 0.01, rateLimits: false });
    await fake.start();
  });
  after(() => fake.stop());

  it('serves an image task a PNG of its prompt in the asked aspect ratio, the same on every fetch', async () => {
    const wide = nanoBanana({ input: { prompt: 'лиса в снегу, a fox in the snow', aspect_ratio: '16:9' } });
    const { taskId } = (await kieCall(fake, '/api/v1/jobs/createTask', wide)).body.data as { taskId: string };
    await succeeded(fake, taskId);
    const url = fake.tasks().find((t) => t.id === taskId)?.resultUrls[0] ?? '';
    const first = await get(url);
    assert.equal(first.type, 'image/png');
    assert.equal(first.length, String(first.bytes.length));
    assert.deepEqual(imageSize(first.bytes), { width: 1024, height: 576 });
    assert.equal(decodePng(first.bytes).height, 576);
    assert.ok((await get(url)).bytes.equals(first.bytes), 'cached per task');

    const other = nanoBanana({ input: { prompt: 'an owl at night', aspect_ratio: '1:1' } });
    const second = (await kieCall(fake, '/api/v1/jobs/createTask', other)).body.data as { taskId: string };
    await succeeded(fake, second.taskId);
    const owl = await get(fake.tasks().find((t) => t.id === second.taskId)?.resultUrls[0] ?? '');
    assert.deepEqual(imageSize(owl.bytes), { width: 1024, height: 1024 });
    assert.ok(!owl.bytes.equals(first.bytes));
  });

  it('serves a Veo task an H.264/AAC MP4 with its index up front (streamable), under 200 KB', async () => {
    const created = await kieCall(fake, '/api/v1/veo/generate', {
      prompt: 'A dog in a park',
      model: 'veo3_fast',
    });
    const { taskId } = created.body.data as { taskId: string };
    await succeeded(fake, taskId);
    const video = await get(`${fake.baseUrl}/files/${taskId}/0.mp4`);
    assert.equal(video.type, 'video/mp4');
    assert.ok(video.bytes.length > 10_000 && video.bytes.length < 200_000, `${video.bytes.length} bytes`);
    const boxes = mp4Boxes(video.bytes).map(([type]) => type);
    assert.equal(boxes[0], 'ftyp');
    assert.ok(boxes.indexOf('moov') < boxes.indexOf('mdat'), `faststart: ${boxes}`);
    assert.equal(
      mp4Boxes(video.bytes).reduce((n, [, size]) => n + size, 0),
      video.bytes.length,
      'boxes cover the file',
    );
    for (const codec of ['avc1', 'mp4a']) assert.ok(video.bytes.includes(codec), codec);
    assert.equal((await fetch(`${fake.baseUrl}/files/${taskId}/0.mp3`)).status, 404, 'not the wrong kind');
  });

  it('serves a Suno task MP3 tracks and PNG covers', async () => {
    const song = {
      prompt: 'A calm song about the sea',
      customMode: false,
      instrumental: false,
      model: 'V4_5',
    };
    const created = await kieCall(fake, '/api/v1/generate', {
      ...song,
      callBackUrl: 'http://127.0.0.1:9/cb',
    });
    const { taskId } = created.body.data as { taskId: string };
    await succeeded(fake, taskId);
    for (const n of [0, 1]) {
      const track = await get(`${fake.baseUrl}/files/${taskId}/${n}.mp3`);
      assert.equal(track.type, 'audio/mpeg');
      assert.ok(track.bytes.length > 10_000 && track.bytes.length < 200_000, `${track.bytes.length} bytes`);
      assert.equal(track.bytes.toString('latin1', 0, 3), 'ID3');
      // The first MPEG audio frame after the ID3 tag: sync bits, MPEG-1 Layer III.
      const tagSize = track.bytes.subarray(6, 10).reduce((n, b) => (n << 7) | b, 0);
      const frame = track.bytes.readUInt16BE(10 + tagSize);
      assert.equal(frame & 0xfffe, 0xfffa, `frame header ${frame.toString(16)}`);
      const cover = await get(`${fake.baseUrl}/files/${taskId}/${n}.png`);
      assert.equal(cover.type, 'image/png');
      assert.equal(decodePng(cover.bytes).width, 1024);
    }
  });
});

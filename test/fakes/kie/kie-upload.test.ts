import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createKieFake, type KieFake } from '../../../packages/fakes/src/kie/index.ts';

const PHOTO = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3, 4, 5, 0xff, 0xd9]);

interface UploadReply {
  status: number;
  body: { success?: boolean; code: number; msg?: string; data?: Record<string, unknown> };
}

/** POSTs a multipart upload the way docs.kie.ai's curl example does. */
async function upload(
  fake: KieFake,
  fields: { file?: Blob; fileName?: string; uploadPath?: string },
  opts: { key?: string; body?: string; contentType?: string } = {},
): Promise<UploadReply> {
  const form = new FormData();
  if (fields.file) form.append('file', fields.file, 'original.jpg');
  if (fields.uploadPath !== undefined) form.append('uploadPath', fields.uploadPath);
  if (fields.fileName !== undefined) form.append('fileName', fields.fileName);
  const res = await fetch(`${fake.baseUrl}/api/file-stream-upload`, {
    method: 'POST',
    headers: {
      Authorization: `Bearer ${opts.key ?? 'kie-test-key'}`,
      'User-Agent': 'tg-genbot-test/1.0',
      ...(opts.contentType && { 'Content-Type': opts.contentType }),
    },
    body: opts.body ?? form,
  });
  return { status: res.status, body: (await res.json()) as UploadReply['body'] };
}

const jpeg = (bytes: Uint8Array = PHOTO) => new Blob([bytes], { type: 'image/jpeg' });

describe('createKieFake: file stream upload (§1, §9 row 8)', () => {
  let fake: KieFake;
  before(async () => {
    fake = createKieFake({ timeScale: 0.01, uploadExpirySeconds: 0.4 });
    await fake.start();
  });
  after(() => fake.stop());

  it('stores the bytes and serves them back at data.downloadUrl under its own /files/ path', async () => {
    const r = await upload(fake, { file: jpeg(), uploadPath: 'images/user-uploads', fileName: 'cat.jpg' });
    assert.equal(r.status, 200);
    assert.equal(r.body.success, true);
    assert.equal(r.body.code, 200);
    assert.equal(r.body.msg, 'File uploaded successfully');
    const data = r.body.data ?? {};
    assert.equal(data.fileName, 'cat.jpg');
    assert.equal(data.filePath, 'images/user-uploads/cat.jpg');
    assert.equal(data.fileSize, PHOTO.length);
    assert.equal(data.mimeType, 'image/jpeg');
    assert.match(String(data.uploadedAt), /^\d{4}-\d\d-\d\dT/);
    assert.equal(data.downloadUrl, `${fake.baseUrl}/files/uploads/images/user-uploads/cat.jpg`);

    const file = await fetch(String(data.downloadUrl));
    assert.equal(file.status, 200);
    assert.equal(file.headers.get('content-type'), 'image/jpeg');
    assert.deepEqual(Buffer.from(await file.arrayBuffer()), PHOTO);
    const seen = fake.uploads().find((u) => u.filePath === 'images/user-uploads/cat.jpg');
    assert.deepEqual([seen?.size, seen?.mimeType, seen?.url], [PHOTO.length, 'image/jpeg', data.downloadUrl]);
  });

  it('takes the part file name when fileName is absent, and overwrites a file uploaded under the same name', async () => {
    const first = await upload(fake, { file: jpeg(), uploadPath: 'x' });
    assert.equal(first.body.data?.filePath, 'x/original.jpg');
    const second = await upload(fake, { file: jpeg(Buffer.from('new bytes')), uploadPath: 'x' });
    const file = await fetch(String(second.body.data?.downloadUrl));
    assert.equal(await file.text(), 'new bytes');
    assert.equal(fake.uploads().filter((u) => u.filePath === 'x/original.jpg').length, 1);
  });

  it('answers 404 once the upload retention knob has passed', async () => {
    const r = await upload(fake, { file: jpeg(), uploadPath: 'ttl', fileName: 'a.jpg' });
    const url = String(r.body.data?.downloadUrl);
    const fresh = await fetch(url);
    assert.equal(fresh.status, 200);
    await fresh.arrayBuffer();
    await new Promise((res) => setTimeout(res, 500));
    const expired = await fetch(url);
    assert.equal(expired.status, 404);
    await expired.text();
  });

  it('validates the form with code 400 and stores nothing', async () => {
    const count = fake.uploads().length;
    const noFile = await upload(fake, { uploadPath: 'p' });
    assert.deepEqual(
      [noFile.body.code, noFile.body.msg, noFile.body.success],
      [400, 'file is required', false],
    );
    const noPath = await upload(fake, { file: jpeg() });
    assert.deepEqual([noPath.body.code, noPath.body.msg], [400, 'uploadPath is required']);
    const traversal = await upload(fake, { file: jpeg(), uploadPath: '../etc' });
    assert.deepEqual([traversal.body.code, traversal.body.msg], [400, 'uploadPath is invalid']);
    const badName = await upload(fake, { file: jpeg(), uploadPath: 'p', fileName: 'a b/c.jpg' });
    assert.deepEqual([badName.body.code, badName.body.msg], [400, 'fileName is invalid']);
    const json = await upload(fake, {}, { body: '{"file":"x"}', contentType: 'application/json' });
    assert.deepEqual([json.body.code, json.body.msg], [400, 'request body is not multipart/form-data']);
    assert.equal(fake.uploads().length, count);
  });

  it('checks the key and takes injected faults like any other endpoint', async () => {
    const denied = await upload(fake, { file: jpeg(), uploadPath: 'p' }, { key: 'wrong' });
    assert.deepEqual([denied.body.code, denied.body.success], [401, false]);
    fake.failNext('fileStreamUpload', 500, { httpStatus: 500 });
    const broken = await upload(fake, { file: jpeg(), uploadPath: 'p', fileName: 'z.jpg' });
    assert.deepEqual([broken.status, broken.body.code], [500, 500]);
    const ok = await upload(fake, { file: jpeg(), uploadPath: 'p', fileName: 'z.jpg' });
    assert.equal(ok.body.code, 200);
  });

  it('does not count uploads against the create or poll limits (§4)', async () => {
    const limited = createKieFake({ rateLimits: { createPer10s: 1, recordInfoPerSecond: 1 } });
    await limited.start();
    try {
      for (let i = 0; i < 3; i++) {
        const r = await upload(limited, { file: jpeg(), uploadPath: 'p', fileName: `f${i}.jpg` });
        assert.equal(r.body.code, 200);
      }
    } finally {
      await limited.stop();
    }
  });
});

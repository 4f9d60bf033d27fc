import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { inspect } from 'node:util';
import { KieApiError, KieHttpError } from '../../../src/clients/kie/index.ts';
import { rejectionOf, requestsTo, TEST_KIE_KEY, withKie } from './kie-client-harness.ts';

const UPLOAD = '/api/file-stream-upload';
const PHOTO = new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 0, 16, 0x4a, 0x46, 0x49, 0x46, 0xff, 0xd9]);
const PHOTO_OPTIONS = { fileName: 'photos/file_12.jpg', mimeType: 'image/jpeg' } as const;

describe('KIE client: file upload (§1)', () => {
  it('uploads the bytes as multipart and returns a public URL serving exactly them', () =>
    withKie({ requireUserAgent: true }, {}, async (fake, client) => {
      const { url } = await client.uploadFile(PHOTO, PHOTO_OPTIONS);
      const [stored] = fake.uploads();
      assert.ok(stored);
      assert.equal(url, stored.url);
      assert.match(
        stored.filePath,
        /^tg-genbot\/[0-9a-f-]{36}-file_12\.jpg$/,
        'default uploadPath, unique name',
      );
      assert.equal(stored.mimeType, 'image/jpeg');
      const file = await fetch(url);
      assert.equal(file.status, 200);
      assert.deepEqual(new Uint8Array(await file.arrayBuffer()), PHOTO);
    }));

  it('gives every upload its own name, so two users sending photo.jpg never overwrite each other', () =>
    withKie({}, { uploadPath: 'inputs' }, async (fake, client) => {
      const a = await client.uploadFile(Buffer.from('first'), {
        fileName: 'photo.jpg',
        mimeType: 'image/jpeg',
      });
      const b = await client.uploadFile(Buffer.from('second'), {
        fileName: 'photo.jpg',
        mimeType: 'image/jpeg',
      });
      assert.notEqual(a.url, b.url);
      assert.equal(await (await fetch(a.url)).text(), 'first');
      assert.equal(await (await fetch(b.url)).text(), 'second');
      assert.ok(fake.uploads().every((u) => u.filePath.startsWith('inputs/')));
    }));

  it('sanitises the file name and the MIME type that go into the form', () =>
    withKie({}, {}, async (fake, client) => {
      await client.uploadFile(PHOTO, { fileName: '../../a "b"\r\n.png', mimeType: 'image/png\r\nX-Evil: 1' });
      const [stored] = fake.uploads();
      assert.match(stored?.fileName ?? '', /^[0-9a-f-]{36}-a_b_\.png$/);
      assert.equal(stored?.mimeType, 'application/octet-stream');
    }));

  it('retries a 500 under the same name (one stored file) and never retries a 400', () =>
    withKie({}, {}, async (fake, client) => {
      fake.failNext('fileStreamUpload', 500, { times: 2 });
      const { url } = await client.uploadFile(PHOTO, PHOTO_OPTIONS);
      assert.deepEqual(
        requestsTo(fake, UPLOAD).map((r) => r.code),
        [500, 500, 200],
      );
      assert.equal(fake.uploads().length, 1);
      assert.equal((await fetch(url)).status, 200);

      fake.failNext('fileStreamUpload', 400, { msg: 'file type not allowed' });
      const error = await rejectionOf(client.uploadFile(PHOTO, PHOTO_OPTIONS));
      assert.ok(error instanceof KieApiError, inspect(error));
      assert.deepEqual([error.code, error.endpoint, error.retryable], ['kie.400', 'fileUpload', false]);
      assert.equal(requestsTo(fake, UPLOAD).length, 4);
    }));

  it('maps a bad key to kie.401 and keeps the key out of the error', () =>
    withKie({ transport: 'mirror' }, { apiKey: 'kie-wrong-key-000' }, async (_fake, client) => {
      const error = await rejectionOf(client.uploadFile(PHOTO, PHOTO_OPTIONS));
      assert.ok(error instanceof KieApiError);
      assert.deepEqual([error.code, error.httpStatus], ['kie.401', 401]);
      assert.ok(!inspect(error, { depth: 5 }).includes(TEST_KIE_KEY));
    }));

  it('treats a 200 without a download URL as a bad response, not retried', () =>
    withKie({}, {}, async (fake, client) => {
      // An injected "fault" with code 200 answers the envelope without `data`.
      fake.failNext('fileStreamUpload', 200);
      const error = await rejectionOf(client.uploadFile(PHOTO, PHOTO_OPTIONS));
      assert.ok(error instanceof KieHttpError, inspect(error));
      assert.deepEqual(
        [error.code, error.endpoint, error.retryable],
        ['kie.bad_response', 'fileUpload', false],
      );
      assert.equal(requestsTo(fake, UPLOAD).length, 1);
    }));

  it('reports a connect failure on the upload host as kie.network, retryable since it was never sent', () =>
    withKie(
      {},
      { uploadBaseUrl: 'http://127.0.0.1:1', retry: { maxAttempts: 2, baseDelayMs: 1 } },
      async (_f, client) => {
        // Nothing listens on port 1: the request never left, so resending was safe.
        const error = await rejectionOf(client.uploadFile(PHOTO, PHOTO_OPTIONS));
        assert.ok(error instanceof KieHttpError, inspect(error));
        assert.deepEqual(
          [error.code, error.endpoint, error.sent, error.retryable],
          ['kie.network', 'fileUpload', false, true],
        );
      },
    ));
});

import type { EndpointHandler } from './endpoint-handler.ts';
import type { FakeContext } from './internal-types.ts';
import { KieReject } from './kie-reject.ts';
import { uploadUrlPath } from './upload-store.ts';

const SEGMENT = /^[A-Za-z0-9._-]+$/;

/** `uploadPath`: one or more safe segments, never `.` or `..`. */
function checkUploadPath(value: ReturnType<FormData['get']>): string {
  if (typeof value !== 'string' || value.trim() === '') throw new KieReject(400, 'uploadPath is required');
  const segments = value.replace(/^\/+|\/+$/g, '').split('/');
  if (!segments.every((s) => SEGMENT.test(s) && s !== '.' && s !== '..'))
    throw new KieReject(400, 'uploadPath is invalid');
  return segments.join('/');
}

/**
 * POST /api/file-stream-upload on the upload host (kie-api.md §1): multipart `file`, `uploadPath`, optional
 * `fileName` (else the part's own name). Stores the bytes and answers with docs.kie.ai's reply shape; the
 * file is then served at `data.downloadUrl`. Uploads are free and not rate-limited (§4, UNCERTAIN).
 */
export function uploadHandler(ctx: FakeContext): EndpointHandler {
  return {
    body: 'multipart',
    async handle(_url, body) {
      const form = body as FormData;
      const file = form.get('file');
      if (!(file instanceof Blob) || file.size === 0) throw new KieReject(400, 'file is required');
      const uploadPath = checkUploadPath(form.get('uploadPath'));
      const named = form.get('fileName');
      const fileName =
        typeof named === 'string' && named !== '' ? named : file instanceof File ? file.name : 'upload.bin';
      if (!SEGMENT.test(fileName) || fileName === '.' || fileName === '..')
        throw new KieReject(400, 'fileName is invalid');
      const filePath = `${uploadPath}/${fileName}`;
      const mimeType = file.type || 'application/octet-stream';
      const bytes = Buffer.from(await file.arrayBuffer());
      const uploadedAt = Date.now();
      ctx.uploads.put({ filePath, fileName, mimeType, bytes, uploadedAt });
      return {
        msg: 'File uploaded successfully',
        data: {
          fileName,
          filePath,
          downloadUrl: `${ctx.publicBase()}${uploadUrlPath(filePath)}`,
          fileSize: bytes.length,
          mimeType,
          uploadedAt: new Date(uploadedAt).toISOString(),
        },
      };
    },
  };
}

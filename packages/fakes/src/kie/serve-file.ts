import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FakeContext, TaskRecord } from './internal-types.ts';
import { type ResultFile, resultFile, resultKindByExt } from './result-files.ts';
import { sunoFilesPublished, sunoStatusAt } from './suno-payloads.ts';
import { stateAt } from './task-timeline.ts';
import type { KieRequestRecord } from './types.ts';
import { veoResultFiles } from './veo-payloads.ts';

const UPLOADS = '/files/uploads/';
const RESULT = /^\/files\/([^/]+)\/(\d+)\.([a-z0-9]+)$/;

/** How many files a task publishes: Suno's two tracks, Veo's video and its original, one otherwise. */
function fileCount(task: TaskRecord): number {
  if (task.api === 'suno') return 2;
  return task.api === 'veo' ? 1 + veoResultFiles(task, '').originUrls.length : 1;
}

/** The result file at `path` if the task has published it and it has not expired. */
function publishedResult(ctx: FakeContext, path: string, now: number): ResultFile | undefined {
  const match = RESULT.exec(path);
  const task: TaskRecord | undefined = match ? ctx.store.get(match[1] ?? '') : undefined;
  if (!match || !task || Number(match[2]) >= fileCount(task)) return undefined;
  const kind = resultKindByExt(match[3] ?? '');
  const published =
    task.api === 'suno'
      ? sunoFilesPublished(sunoStatusAt(task, now)) && (kind === 'audio' || kind === 'image')
      : stateAt(task.timeline, task.behaviour.outcome, now) === 'success' && kind === task.resultKind;
  const expiry = ctx.resultExpirySeconds;
  const expired = expiry !== undefined && now > (task.timeline.doneAt ?? now) + expiry * 1000;
  return kind && published && !expired ? resultFile(task, Number(match[2]), kind) : undefined;
}

/** An uploaded file, by its `/files/uploads/<uploadPath>/<fileName>` path. */
function uploadedFile(ctx: FakeContext, path: string, now: number) {
  try {
    const filePath = path.slice(UPLOADS.length).split('/').map(decodeURIComponent).join('/');
    const upload = ctx.uploads.get(filePath, now);
    return upload && { contentType: upload.mimeType, bytes: upload.bytes };
  } catch {
    return undefined; // a malformed %-escape
  }
}

/** GET/HEAD under /files/: result files (§9 row 7) and uploads (§9 row 8), 404 when absent or expired. */
export function serveFile(
  ctx: FakeContext,
  req: IncomingMessage,
  res: ServerResponse,
  rec: KieRequestRecord,
  path: string,
): void {
  const now = Date.now();
  const file = path.startsWith(UPLOADS) ? uploadedFile(ctx, path, now) : publishedResult(ctx, path, now);
  if (!file) {
    rec.status = 404;
    res.writeHead(404, { 'Content-Type': 'text/plain' }).end('Not Found');
    return;
  }
  rec.status = 200;
  res.writeHead(200, { 'Content-Type': file.contentType, 'Content-Length': file.bytes.length });
  res.end(req.method === 'HEAD' ? undefined : file.bytes);
}

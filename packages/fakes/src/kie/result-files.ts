import { readFileSync } from 'node:fs';
import type { TaskRecord } from './internal-types.ts';
import { renderPromptPng } from './prompt-image.ts';
import type { ResultKind } from './types.ts';

/** Extension and Content-Type of a result kind. */
export interface ResultType {
  readonly ext: string;
  readonly contentType: string;
}

/** Bytes and Content-Type of a served result file. */
export interface ResultFile {
  readonly contentType: string;
  readonly bytes: Buffer;
}

/** The file type the fake serves for each result kind. */
export const RESULT_TYPES: Readonly<Record<ResultKind, ResultType>> = {
  image: { ext: 'png', contentType: 'image/png' },
  video: { ext: 'mp4', contentType: 'video/mp4' },
  audio: { ext: 'mp3', contentType: 'audio/mpeg' },
};

/** The result kind served under an extension, if the fake serves one. */
export function resultKindByExt(ext: string): ResultKind | undefined {
  return (Object.keys(RESULT_TYPES) as ResultKind[]).find((k) => RESULT_TYPES[k].ext === ext);
}

// Real, playable samples (a few seconds each), made by scripts/make-fake-media.sh; read on first use.
const SAMPLES: Partial<Record<'video' | 'audio', Buffer>> = {};
function sample(kind: 'video' | 'audio'): Buffer {
  SAMPLES[kind] ??= readFileSync(new URL(`./assets/result.${RESULT_TYPES[kind].ext}`, import.meta.url));
  return SAMPLES[kind];
}

// Rendering takes tens of milliseconds and the bot, the web chat and Telegram fetch a result more
// than once: each task keeps its images for as long as the task itself lives.
const IMAGES = new WeakMap<TaskRecord, Map<number, Buffer>>();

/** File `index` of `task` as `kind`: the prompt drawn on a picture, or the sample video or track. */
export function resultFile(task: TaskRecord, index: number, kind: ResultKind): ResultFile {
  const { contentType } = RESULT_TYPES[kind];
  if (kind !== 'image') return { contentType, bytes: sample(kind) };
  const images = IMAGES.get(task) ?? new Map<number, Buffer>();
  IMAGES.set(task, images);
  let bytes = images.get(index);
  if (!bytes) {
    bytes = renderPromptPng(promptOf(task), { ...imageSize(task), title: titleOf(task), footer: task.id });
    images.set(index, bytes);
  }
  return { contentType, bytes };
}

function promptOf(task: TaskRecord): string {
  const prompt = task.input.prompt ?? task.request.prompt;
  return typeof prompt === 'string' ? prompt : '';
}

/** The model, and for Suno's cover art the song's title or style. */
function titleOf(task: TaskRecord): string {
  const extra = [task.input.title, task.input.style].find((v) => typeof v === 'string' && v !== '');
  return extra ? `${task.model} · ${extra as string}` : task.model;
}

/** 1024 px on the longer side, in the `aspect_ratio` the request asked for ("16:9"), else square. */
function imageSize(task: TaskRecord): { width: number; height: number } {
  const ratio = task.input.aspect_ratio ?? task.input.aspectRatio ?? task.input.image_size;
  const match = typeof ratio === 'string' ? /^(\d+(?:\.\d+)?):(\d+(?:\.\d+)?)$/.exec(ratio) : null;
  const w = Number(match?.[1] ?? 1);
  const h = Number(match?.[2] ?? 1);
  if (!(w > 0 && h > 0) || w / h > 4 || h / w > 4) return { width: 1024, height: 1024 };
  return w >= h
    ? { width: 1024, height: Math.round((1024 * h) / w) }
    : { width: Math.round((1024 * w) / h), height: 1024 };
}

import type { ResultKind } from './types.ts';

// KIE model ids without a provider segment (kie-api.md §7); anything `provider/model` is accepted too.
const BARE_MODELS = new Set([
  'nano-banana-pro',
  'sora-2-text-to-video',
  'sora-2-image-to-video',
  'sora-2-pro-text-to-video',
  'sora-2-pro-image-to-video',
]);

/** Suno `model` values accepted by POST /api/v1/generate (§7). */
export const SUNO_MODELS: ReadonlySet<string> = new Set(['V4', 'V4_5', 'V4_5PLUS', 'V4_5ALL', 'V5', 'V5_5']);

// Invented prices in credits: only their relative size matters to tests and the sandbox.
const PRICES: ReadonlyArray<[RegExp, number]> = [
  [/nano-banana-pro/, 18],
  [/nano-banana/, 4],
  [/sora-2/, 30],
  [/kling|veo|hailuo|wan|runway|seedance/, 55],
  [/^V\d/, 12],
];
const DEFAULT_PRICE = 10;

const SEGMENT = /^[a-z0-9][a-z0-9._-]*$/i;

/** Returns a KIE-style validation message for a bad market `model`, or undefined when it is acceptable. */
export function checkMarketModel(model: unknown): string | undefined {
  if (typeof model !== 'string' || model.trim() === '') return 'model is required';
  const segments = model.split('/');
  if (segments.length > 2 || !segments.every((s) => SEGMENT.test(s))) return 'model format is incorrect';
  if (segments.length === 1 && !BARE_MODELS.has(model))
    return 'The model name you specified is not supported';
  return undefined;
}

/** Credits a successful task of `model` costs. */
export function priceOf(model: string): number {
  return PRICES.find(([pattern]) => pattern.test(model))?.[1] ?? DEFAULT_PRICE;
}

/** Guesses what a model produces when the behaviour does not say. */
export function resultKindOf(model: string): ResultKind {
  if (/video|kling|sora|veo|hailuo|wan|runway|seedance/i.test(model)) return 'video';
  if (/audio|music|speech|tts|elevenlabs|suno|^V\d/i.test(model)) return 'audio';
  return 'image';
}

/** The provider-ish part of a model id used in task ids (`task_google_…`, as in §2). */
export function taskIdSlug(model: string): string {
  return (model.split('/')[0] ?? 'task').replace(/[^a-z0-9]+/gi, '').toLowerCase() || 'task';
}

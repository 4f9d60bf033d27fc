import { MARKET_MODEL_SPECS } from './market-model-specs.ts';
import type { ResultKind } from './types.ts';

// KIE model ids without a provider segment (kie-api.md §7); anything `provider/model` is accepted too.
const BARE_MODELS = new Set([
  'nano-banana-2',
  'nano-banana-pro',
  'sora-2-text-to-video',
  'sora-2-image-to-video',
  'sora-2-pro-text-to-video',
  'sora-2-pro-image-to-video',
]);

/** Suno `model` values accepted by POST /api/v1/generate (§7). */
export const SUNO_MODELS: ReadonlySet<string> = new Set(['V4', 'V4_5', 'V4_5PLUS', 'V4_5ALL', 'V5', 'V5_5']);

/** Veo 3.1 `model` values accepted by POST /api/v1/veo/generate (§8); absent means veo3_fast. */
export const VEO_MODELS: ReadonlySet<string> = new Set(['veo3', 'veo3_fast', 'veo3_lite']);
export const VEO_DEFAULT_MODEL = 'veo3_fast';

// Veo's price per video by model and resolution, in KIE credits (§10: Fast 720p $0.30 … 4K $0.90).
const VEO_PRICES: Readonly<Record<string, Readonly<Record<string, number>>>> = {
  veo3: { '720p': 250, '1080p': 255, '4k': 370 },
  veo3_fast: { '720p': 60, '1080p': 65, '4k': 180 },
  veo3_lite: { '720p': 30, '1080p': 35, '4k': 150 },
};

// Kling 2.6 (text or image to video), KIE credits (§10: 5 s $0.275, with sound $0.55; 10 s $0.55 / $1.10).
const kling26Price = (input: Readonly<Record<string, unknown>>): number =>
  (String(input.duration ?? '5') === '10' ? 110 : 55) * (input.sound === true ? 2 : 1);

// By name: §10's one price per model for nano-banana (/edit) ($0.02) and Suno ($0.06 a request);
// invented for the rest, where only their relative size matters to tests and the sandbox.
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

/**
 * Credits a successful task of `model` costs: KIE's price of these inputs for the models the fake knows
 * in detail (Veo, market-model-specs.ts), an invented one by name for the others.
 */
export function priceOf(model: string, input: Readonly<Record<string, unknown>> = {}): number {
  const veo = VEO_PRICES[model];
  if (veo) return veo[String(input.resolution ?? '720p')] ?? Math.max(...Object.values(veo));
  const spec = MARKET_MODEL_SPECS[model];
  if (spec) return spec.price(input);
  if (model.startsWith('kling-2.6/')) return kling26Price(input);
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

import { isRecord } from '../shared/read-json-body.ts';

/** One documented `input` key of a Market model: an enum of strings, a boolean, or a list of URLs. */
type InputRule =
  | { readonly kind: 'enum'; readonly values: readonly string[] }
  | { readonly kind: 'boolean' }
  | { readonly kind: 'urls'; readonly max: number };

/**
 * What the fake knows of a Market model from its page in KIE's docs (mirror H, kie-api.md §7): its
 * inputs and their values, the prompt's limit, the inputs it cannot do without, and its price per
 * option in KIE credits (§10). The pages mark most inputs required, yet KIE fills their defaults
 * (working clients omit them), so only the prompt and an edit model's photos are required here.
 */
export interface MarketModelSpec {
  readonly promptMax: number;
  readonly inputs: Readonly<Record<string, InputRule>>;
  readonly required?: readonly string[];
  /** KIE credits one successful task costs with these inputs (absent ones take KIE's defaults). */
  readonly price: (input: Readonly<Record<string, unknown>>) => number;
}

const ASPECT_NB2 = [
  'auto',
  '1:1',
  '1:4',
  '16:9',
  '1:8',
  '21:9',
  '2:3',
  '3:2',
  '3:4',
  '4:1',
  '4:3',
  '4:5',
  '5:4',
  '8:1',
  '9:16',
];
const ASPECT_PRO = ['1:1', '2:3', '3:2', '3:4', '4:3', '4:5', '5:4', '9:16', '16:9', '21:9', 'auto'];
const ASPECT_SEEDREAM = ['1:1', '4:3', '3:4', '16:9', '9:16', '2:3', '3:2', '21:9'];
const RESOLUTIONS = ['1K', '2K', '4K'];
const KLING_3_DURATIONS = Array.from({ length: 13 }, (_, i) => String(i + 3));

const seedream = (edit: boolean): MarketModelSpec => ({
  promptMax: 3000,
  inputs: {
    aspect_ratio: { kind: 'enum', values: ASPECT_SEEDREAM },
    quality: { kind: 'enum', values: ['basic', 'high'] },
    nsfw_checker: { kind: 'boolean' },
    ...(edit && { image_urls: { kind: 'urls', max: 14 } }),
  },
  ...(edit && { required: ['image_urls'] }),
  // $0.0325 an image, either quality.
  price: () => 6.5,
});

// Kling 3.0: per second, by mode (std 720p, pro 1080p, 4K) and sound (kie-api.md §10 via H pricing).
const KLING_3_PER_SECOND: Readonly<Record<string, { sound: number; silent: number }>> = {
  std: { sound: 20, silent: 14 },
  pro: { sound: 27, silent: 18 },
  '4K': { sound: 67, silent: 67 },
};

/** The Market models the fake validates input by input; others only need a prompt. */
export const MARKET_MODEL_SPECS: Readonly<Record<string, MarketModelSpec>> = {
  // H: `011-使用 nano-banana-2 生成内容.md`; $0.04 / 0.06 / 0.09 by resolution.
  'nano-banana-2': {
    promptMax: 20_000,
    inputs: {
      aspect_ratio: { kind: 'enum', values: ASPECT_NB2 },
      resolution: { kind: 'enum', values: RESOLUTIONS },
      output_format: { kind: 'enum', values: ['jpg', 'png'] },
      image_input: { kind: 'urls', max: 14 },
    },
    price: (input) => ({ '2K': 12, '4K': 18 })[String(input.resolution)] ?? 8,
  },
  // H: `017-Nano Banana Pro 图生图.md`; $0.09 for 1K or 2K, 0.12 for 4K.
  'nano-banana-pro': {
    promptMax: 10_000,
    inputs: {
      aspect_ratio: { kind: 'enum', values: ASPECT_PRO },
      resolution: { kind: 'enum', values: RESOLUTIONS },
      output_format: { kind: 'enum', values: ['png', 'jpg'] },
      image_input: { kind: 'urls', max: 8 },
    },
    price: (input) => (input.resolution === '4K' ? 24 : 18),
  },
  // H: `006-Seedream4.5 文生图.md`, `007-Seedream4.5 图片编辑.md`.
  'seedream/4.5-text-to-image': seedream(false),
  'seedream/4.5-edit': seedream(true),
  // H: `070-Kling 3.0.md` (single shot; multi-shot prompts and elements are not modelled). The page
  // states no prompt limit; H's own client cuts at 2500.
  'kling-3.0/video': {
    promptMax: 2500,
    inputs: {
      image_urls: { kind: 'urls', max: 2 },
      sound: { kind: 'boolean' },
      duration: { kind: 'enum', values: KLING_3_DURATIONS },
      aspect_ratio: { kind: 'enum', values: ['16:9', '9:16', '1:1'] },
      mode: { kind: 'enum', values: ['std', 'pro', '4K'] },
      multi_shots: { kind: 'boolean' },
    },
    price: (input) => {
      const rate = KLING_3_PER_SECOND[String(input.mode ?? 'pro')] ?? { sound: 27, silent: 18 };
      return (input.sound === true ? rate.sound : rate.silent) * Number(input.duration ?? '5');
    },
  },
};

function checkRule(name: string, rule: InputRule, value: unknown): string | undefined {
  switch (rule.kind) {
    case 'enum':
      return typeof value === 'string' && rule.values.includes(value)
        ? undefined
        : `input.${name} must be one of ${rule.values.join(', ')}`;
    case 'boolean':
      return typeof value === 'boolean' ? undefined : `input.${name} must be a boolean`;
    case 'urls': {
      const ok =
        Array.isArray(value) &&
        value.length <= rule.max &&
        value.every((u) => typeof u === 'string' && URL.canParse(u));
      return ok ? undefined : `input.${name} must be a list of at most ${rule.max} URLs`;
    }
  }
}

/**
 * KIE's 422 message for an `input` the model's docs do not allow (a value outside its enum, a missing
 * photo, an over-long prompt), or undefined when it is acceptable or the fake has no spec of the model.
 * Unknown keys are accepted: KIE is reported to ignore them (kie-api.md §11).
 */
export function checkMarketInput(model: string, input: unknown): string | undefined {
  const spec = MARKET_MODEL_SPECS[model];
  if (!spec || !isRecord(input)) return undefined;
  if (typeof input.prompt === 'string' && [...input.prompt].length > spec.promptMax) {
    return `input.prompt must be at most ${spec.promptMax} characters`;
  }
  for (const name of spec.required ?? []) {
    const value = input[name];
    if (value === undefined || (Array.isArray(value) && value.length === 0))
      return `input.${name} is required`;
  }
  for (const [name, rule] of Object.entries(spec.inputs)) {
    if (input[name] === undefined) continue;
    const problem = checkRule(name, rule, input[name]);
    if (problem) return problem;
  }
  return undefined;
}

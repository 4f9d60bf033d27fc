import { z } from 'zod';
import { LANGUAGES, type Language } from '../i18n/languages.ts';

/** What a model produces. */
export type ModelKind = 'image' | 'video' | 'music';
/**
 * Which KIE API runs a model: Market `jobs/createTask`, Suno's own `/api/v1/generate` or Veo 3.1's own
 * `/api/v1/veo/generate` (kie-api.md §7–§8).
 */
export type ModelApi = 'market' | 'suno' | 'veo';

/** Every kind a model may have, in menu order. */
export const MODEL_KINDS: readonly ModelKind[] = ['image', 'video', 'music'];
/** Suno `model` values KIE accepts (kie-api.md §7). */
export const SUNO_MODEL_NAMES: readonly string[] = ['V4', 'V4_5', 'V4_5PLUS', 'V4_5ALL', 'V5', 'V5_5'];
/** Veo 3.1 `model` values KIE accepts: veo3 is Quality (kie-api.md §8). */
export const VEO_MODEL_NAMES: readonly string[] = ['veo3', 'veo3_fast', 'veo3_lite'];
/**
 * Veo body keys a catalog option may set (§8); the bot sets prompt, imageUrls, model, callBackUrl and
 * generationType (from whether the user sent a photo) itself.
 */
export const VEO_INPUT_NAMES: readonly string[] = [
  'aspectRatio',
  'resolution',
  'duration',
  'enableTranslation',
];
/** Input keys the bot fills itself, so the catalog may not offer them as options. */
export const RESERVED_INPUT_NAMES: readonly string[] = [
  'prompt',
  'image_urls',
  'model',
  'callBackUrl',
  'customMode',
  'imageUrls',
];

const STABLE_ID = /^[a-z0-9][a-z0-9_-]{0,31}$/;
const INPUT_NAME = /^[A-Za-z][A-Za-z0-9_]*$/;

const requiredOr = (message: string) => (iss: { input?: unknown }) =>
  iss.input === undefined ? 'is required' : message;

const positiveInt = () =>
  z
    .int({ error: requiredOr('must be a positive integer') })
    .positive({ error: 'must be a positive integer' });

const text = () =>
  z
    .string({ error: requiredOr('must be a string') })
    .trim()
    .min(1, { error: 'must not be empty' });

/** Short ids that fit in callback data and invoice payloads. */
const stableId = () =>
  z.string({ error: requiredOr('must be a string') }).regex(STABLE_ID, {
    error: 'must be 1–32 characters of a-z 0-9 _ - (lower case)',
  });

/** One text per language the bot speaks, all required. */
const localizedText = z
  .strictObject(
    Object.fromEntries(LANGUAGES.map((lang) => [lang, text()])) as Record<Language, ReturnType<typeof text>>,
  )
  .readonly();

const enumInput = z.strictObject({
  name: z.string({ error: requiredOr('must be a string') }),
  label: localizedText,
  type: z.literal('enum'),
  values: z
    .array(text(), { error: requiredOr('must be an array of strings') })
    .min(1, { error: 'must list at least one value' })
    .readonly(),
  default: z.string({ error: requiredOr('must be one of the values (a string)') }),
});

const booleanInput = z.strictObject({
  name: z.string({ error: requiredOr('must be a string') }),
  label: localizedText,
  type: z.literal('boolean'),
  default: z.boolean({ error: requiredOr('must be true or false') }),
});

const modelInput = z
  .discriminatedUnion('type', [enumInput, booleanInput])
  .superRefine((input, ctx) => {
    if (!INPUT_NAME.test(input.name)) {
      ctx.addIssue({
        code: 'custom',
        path: ['name'],
        message: 'must be a KIE input key (letters, digits, _)',
      });
    } else if (RESERVED_INPUT_NAMES.includes(input.name)) {
      ctx.addIssue({
        code: 'custom',
        path: ['name'],
        message: `"${input.name}" is set by the bot, not chosen by the user`,
      });
    }
    if (input.type !== 'enum') return;
    const seen = new Set<string>();
    input.values.forEach((value, i) => {
      if (seen.has(value))
        ctx.addIssue({ code: 'custom', path: ['values', i], message: `duplicate value "${value}"` });
      seen.add(value);
    });
    if (!input.values.includes(input.default)) {
      ctx.addIssue({
        code: 'custom',
        path: ['default'],
        message: `"${input.default}" is not one of ${input.values.join(', ')}`,
      });
    }
  })
  .readonly();

/** A value of one option, as `when` names it: an enum value (string) or a boolean option's value. */
const optionValue = z.union([z.string(), z.boolean()], {
  error: 'must be an option value (a string or true/false)',
});

/**
 * The price of the option combinations a row's `when` matches: what the user pays, and what KIE charges
 * the operator for it (kie-api.md §10), so the margin guard can compare the two.
 */
const priceRow = z
  .strictObject({
    /** Option values this row applies to; `{}` matches every combination. */
    when: z
      .record(z.string(), optionValue, { error: requiredOr('must be an object of option values') })
      .readonly(),
    credits: positiveInt(),
    /** KIE's cost of one such task, in KIE credits (USD / KIE_CREDIT_USD); not necessarily whole. */
    kieCredits: z
      .number({ error: requiredOr('must be a number of KIE credits') })
      .positive({ error: 'must be a positive number of KIE credits' }),
  })
  .readonly();

const model = z
  .strictObject({
    id: stableId(),
    kind: z.enum(['image', 'video', 'music']),
    api: z.enum(['market', 'suno', 'veo']),
    kieModel: text(),
    title: localizedText,
    description: localizedText,
    /** Every reachable option combination matches exactly one row (checked in parseCatalog). */
    prices: z
      .array(priceRow, { error: requiredOr('must be an array of prices') })
      .min(1, { error: 'must list at least one price' })
      .readonly(),
    enabled: z.boolean({ error: requiredOr('must be true or false') }),
    needsImage: z.boolean({ error: requiredOr('must be true or false') }),
    promptMaxLength: positiveInt(),
    inputs: z.array(modelInput, { error: requiredOr('must be an array') }).readonly(),
  })
  .readonly();

const pack = z
  .strictObject({ id: stableId(), credits: positiveInt(), stars: positiveInt(), title: localizedText })
  .readonly();

/** Shape of catalog/catalog.json; checks across fields and records (unique ids, Suno rules) live in parseCatalog. */
export const catalogSchema = z
  .strictObject({
    models: z
      .array(model, { error: requiredOr('must be an array') })
      .min(1, { error: 'must list at least one model' })
      .readonly(),
    packs: z
      .array(pack, { error: requiredOr('must be an array') })
      .min(1, { error: 'must list at least one pack' })
      .readonly(),
  })
  .readonly();

/** A validated, frozen catalog. */
export type Catalog = z.output<typeof catalogSchema>;
/** One generation model offered to users. */
export type CatalogModel = Catalog['models'][number];
/** One option a user may set for a model (`enum` or `boolean`). */
export type ModelInput = CatalogModel['inputs'][number];
/** One row of a model's price table. */
export type PriceRow = CatalogModel['prices'][number];
/** A Telegram Stars top-up pack. */
export type CatalogPack = Catalog['packs'][number];
/** Text in every language the bot speaks. */
export type LocalizedText = CatalogModel['title'];
/** Option values as KIE expects them: enum values stay strings, booleans stay booleans. */
export type InputValues = Record<string, string | boolean>;

import type { z } from 'zod';
import { CatalogError } from './catalog-error.ts';
import {
  type Catalog,
  catalogSchema,
  MODEL_KINDS,
  SUNO_MODEL_NAMES,
  VEO_INPUT_NAMES,
  VEO_MODEL_NAMES,
} from './catalog-schema.ts';
import { priceProblems } from './price-rules.ts';

type Issue = Parameters<z.core.$ZodErrorMap>[0];

const EXPECTED: Readonly<Record<string, string>> = {
  string: 'a string',
  number: 'a number',
  int: 'an integer',
  boolean: 'true or false',
  array: 'an array',
  object: 'an object',
};

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;

const shown = (value: unknown): string => {
  const json = JSON.stringify(value) ?? String(value);
  return json.length > 40 ? `${json.slice(0, 39)}…` : json;
};

/** Messages that say what to write instead of zod's generic wording. */
function errorMap(issue: Issue): string | undefined {
  switch (issue.code) {
    case 'invalid_type':
      return issue.input === undefined
        ? 'is required'
        : `must be ${EXPECTED[issue.expected] ?? issue.expected}, got ${shown(issue.input)}`;
    case 'invalid_value':
      return `must be one of ${issue.values.map(String).join(', ')}, got ${shown(issue.input)}`;
    case 'invalid_union': {
      if (!('options' in issue) || !Array.isArray(issue.options)) return undefined;
      const options = issue.options.map(String).join(', ');
      const given = isRecord(issue.input) ? issue.input[String(issue.discriminator)] : undefined;
      return given === undefined
        ? `is required (one of ${options})`
        : `must be one of ${options}, got ${shown(given)}`;
    }
    case 'unrecognized_keys':
      return `unknown ${issue.keys.length === 1 ? 'key' : 'keys'} ${issue.keys.map((k) => `"${k}"`).join(', ')}`;
    default:
      return undefined;
  }
}

/** `['models', 2, 'prices', 0]` → `models[2].prices[0]`. */
function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) out += typeof key === 'number' ? `[${key}]` : `${out ? '.' : ''}${String(key)}`;
  return out || '(root)';
}

/** Entries of `json[key]` that are objects, with their index (works on unvalidated input). */
function records(json: unknown, key: string): Array<[number, Record<string, unknown>]> {
  const list = isRecord(json) ? json[key] : undefined;
  if (!Array.isArray(list)) return [];
  return list.flatMap(
    (item, i): Array<[number, Record<string, unknown>]> => (isRecord(item) ? [[i, item]] : []),
  );
}

// Runs on the raw input so duplicates are reported even when other fields are wrong.
function duplicateIds(json: unknown, key: 'models' | 'packs'): string[] {
  const first = new Map<string, number>();
  const problems: string[] = [];
  for (const [i, item] of records(json, key)) {
    if (typeof item.id !== 'string') continue;
    const earlier = first.get(item.id);
    if (earlier === undefined) first.set(item.id, i);
    else problems.push(`${key}[${i}].id: duplicate id "${item.id}" (also ${key}[${earlier}])`);
  }
  return problems;
}

// At most two segments, as createTask requires (kie-api.md §2).
const MARKET_MODEL = /^[a-z0-9][a-z0-9._-]*(\/[a-z0-9][a-z0-9._-]*)?$/i;

/** Veo 3.1 has its own body (kie-api.md §8): one of its model names, video only, camelCase options. */
function veoRules(m: Record<string, unknown>, at: string): string[] {
  const problems: string[] = [];
  if (typeof m.kieModel === 'string' && !VEO_MODEL_NAMES.includes(m.kieModel)) {
    problems.push(`${at}.kieModel: must be a Veo model (${VEO_MODEL_NAMES.join(', ')}), got "${m.kieModel}"`);
  }
  if (typeof m.kind === 'string' && m.kind !== 'video') {
    problems.push(`${at}.kind: must be video for a veo model, got "${m.kind}"`);
  }
  // KIE ignores unknown keys (§11), so a Market spelling such as aspect_ratio would silently do nothing.
  for (const [j, input] of records(m, 'inputs')) {
    if (typeof input.name === 'string' && !VEO_INPUT_NAMES.includes(input.name)) {
      problems.push(
        `${at}.inputs[${j}].name: must be a Veo option (${VEO_INPUT_NAMES.join(', ')}), got "${input.name}"`,
      );
    }
  }
  return problems;
}

// Also on the raw input: each rule looks only at the fields it needs, so it is reported alongside others.
function modelRules(json: unknown): string[] {
  const problems: string[] = [];
  for (const [i, m] of records(json, 'models')) {
    const at = `models[${i}]`;
    if (m.api === 'suno') {
      if (typeof m.kieModel === 'string' && !SUNO_MODEL_NAMES.includes(m.kieModel)) {
        problems.push(
          `${at}.kieModel: must be a Suno model (${SUNO_MODEL_NAMES.join(', ')}), got "${m.kieModel}"`,
        );
      }
      if (typeof m.kind === 'string' && m.kind !== 'music') {
        problems.push(`${at}.kind: must be music for a suno model, got "${m.kind}"`);
      }
      if (m.needsImage === true)
        problems.push(`${at}.needsImage: only market models can take a photo (api is suno)`);
    } else if (m.api === 'veo') {
      problems.push(...veoRules(m, at));
    } else if (m.api === 'market' && typeof m.kieModel === 'string' && m.kieModel.trim() !== '') {
      if (!MARKET_MODEL.test(m.kieModel)) {
        problems.push(`${at}.kieModel: must be a KIE model id like provider/model, got "${m.kieModel}"`);
      }
    }
    const seen = new Set<string>();
    for (const [j, input] of records(m, 'inputs')) {
      if (typeof input.name !== 'string') continue;
      if (seen.has(input.name)) problems.push(`${at}.inputs[${j}].name: duplicate input "${input.name}"`);
      seen.add(input.name);
    }
  }
  return problems;
}

function kindsWithoutEnabledModel(catalog: Catalog): string[] {
  return MODEL_KINDS.filter(
    (kind) =>
      catalog.models.some((m) => m.kind === kind) &&
      !catalog.models.some((m) => m.kind === kind && m.enabled),
  ).map((kind) => `models: no enabled model of kind "${kind}" (enable one or remove that kind)`);
}

/** Validates parsed JSON as a catalog; throws CatalogError listing every problem with its JSON path. */
export function parseCatalog(json: unknown): Catalog {
  const result = catalogSchema.safeParse(json, { error: errorMap });
  const problems = result.success
    ? []
    : result.error.issues.map((i) => `${formatPath(i.path)}: ${i.message}`);
  problems.push(...duplicateIds(json, 'models'), ...duplicateIds(json, 'packs'), ...modelRules(json));
  // Only meaningful once every model has a valid kind and enabled flag.
  if (result.success) problems.push(...kindsWithoutEnabledModel(result.data), ...priceProblems(result.data));
  if (!result.success || problems.length > 0) {
    throw new CatalogError(problems, { cause: result.success ? undefined : result.error });
  }
  return result.data;
}

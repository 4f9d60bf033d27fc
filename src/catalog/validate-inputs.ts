import type { CatalogModel, InputValues } from './catalog-schema.ts';
import { defaultInputs } from './default-inputs.ts';

/** Outcome of validateInputs: the full option set, or one readable line per rejected key. */
export type InputsCheck =
  | { readonly ok: true; readonly inputs: InputValues }
  | { readonly ok: false; readonly problems: readonly string[] };

/**
 * Checks user-chosen options against `model`: unknown keys and out-of-range values are rejected;
 * on success returns the defaults overlaid with `values`, ready for KIE's `input`.
 */
export function validateInputs(model: CatalogModel, values: Readonly<Record<string, unknown>>): InputsCheck {
  const problems: string[] = [];
  const inputs = defaultInputs(model);
  for (const [name, value] of Object.entries(values)) {
    const input = model.inputs.find((i) => i.name === name);
    if (!input) {
      const known = model.inputs.map((i) => i.name).join(', ') || 'none';
      problems.push(`${name}: not an option of ${model.id} (options: ${known})`);
    } else if (input.type === 'boolean') {
      if (typeof value === 'boolean') inputs[name] = value;
      else problems.push(`${name}: must be true or false, got ${JSON.stringify(value)}`);
    } else if (typeof value === 'string' && input.values.includes(value)) {
      inputs[name] = value;
    } else {
      problems.push(`${name}: must be one of ${input.values.join(', ')}, got ${JSON.stringify(value)}`);
    }
  }
  return problems.length > 0 ? { ok: false, problems } : { ok: true, inputs };
}

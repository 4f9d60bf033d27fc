/**
 * Syntax checks of Grafana alert annotations, which Grafana renders as Go text/template with
 * `$labels`, `$values`, `$value` (and `.Labels`, `.Values`, `.Value`) defined. Checked the way Go's
 * text/template lexes and parses (actions, pipelines, control structures, variables) and against the
 * functions Grafana's alert templates provide, so that `{{ $$labels.x }}` (two variables where one
 * command allows one operand), an undefined `$label`, an unknown function or a missing `{{ end }}`
 * fails here instead of rendering as an error in the alert.
 */

/** Variables Grafana declares before an annotation template runs (`$` is Go's own root). */
const GRAFANA_VARIABLES = ['$', '$labels', '$values', '$value'];

/** Go's builtins plus the functions of Grafana's annotation templates (Prometheus-compatible set). */
const FUNCTIONS = new Set([
  // text/template builtins
  'and',
  'or',
  'not',
  'len',
  'index',
  'slice',
  'print',
  'printf',
  'println',
  'eq',
  'ne',
  'lt',
  'le',
  'gt',
  'ge',
  'html',
  'js',
  'urlquery',
  'call',
  // Grafana's template functions for alert rule annotations and labels
  'humanize',
  'humanize1024',
  'humanizeDuration',
  'humanizePercentage',
  'humanizeTimestamp',
  'title',
  'toUpper',
  'toLower',
  'match',
  'reReplaceAll',
  'graphLink',
  'tableLink',
  'args',
  'externalURL',
  'pathPrefix',
  'safeHtml',
  'sortByLabel',
  'strvalue',
  'first',
  'label',
  'value',
  'stripPort',
  'stripDomain',
  'parseDuration',
  'toTime',
  'query',
]);
const KEYWORDS = new Set([
  'if',
  'else',
  'end',
  'range',
  'with',
  'define',
  'template',
  'block',
  'break',
  'continue',
]);
const OPENERS = new Set(['if', 'range', 'with', 'define', 'block']);

type Token =
  | { readonly kind: 'variable'; readonly text: string }
  | { readonly kind: 'field'; readonly text: string }
  | { readonly kind: 'identifier'; readonly text: string }
  | { readonly kind: 'literal'; readonly text: string }
  | { readonly kind: 'punct'; readonly text: '(' | ')' | '|' | ':=' | '=' | ',' };

/** The bodies of the `{{ … }}` actions of a template, trim markers and comments removed. */
function actions(template: string): string[] {
  const out: string[] = [];
  let i = 0;
  while (true) {
    const open = template.indexOf('{{', i);
    if (open < 0) break;
    let j = open + 2;
    let quote: string | undefined;
    while (j < template.length) {
      const c = template[j] as string;
      if (quote) {
        if (c === '\\' && quote !== '`') j++;
        else if (c === quote) quote = undefined;
      } else if (c === '"' || c === '`' || c === "'") {
        quote = c;
      } else if (template.startsWith('}}', j)) {
        break;
      }
      j++;
    }
    if (j >= template.length) throw new Error(`unclosed action at offset ${open}`);
    let body = template.slice(open + 2, j);
    if (body.startsWith('- ')) body = body.slice(2);
    if (body.endsWith(' -')) body = body.slice(0, -2);
    if (!/^\s*\/\*[\s\S]*\*\/\s*$/.test(body)) out.push(body);
    i = j + 2;
  }
  return out;
}

/** Operand patterns, tried in order; a field chain written onto a variable is one operand. */
const OPERANDS: ReadonlyArray<readonly [RegExp, 'variable' | 'field' | 'literal' | 'word']> = [
  [/^\$[A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*/, 'variable'],
  [/^(?:\.[A-Za-z_][A-Za-z0-9_]*)+/, 'field'],
  [/^\.(?![A-Za-z_])/, 'field'],
  [/^"(?:[^"\\]|\\.)*"|^`[^`]*`|^'(?:[^'\\]|\\.)+'/, 'literal'],
  [/^[-+]?(?:0[xX][0-9a-fA-F]+|[0-9]+(?:\.[0-9]*)?(?:[eE][-+]?[0-9]+)?)/, 'literal'],
  [/^[A-Za-z_][A-Za-z0-9_]*/, 'word'],
];

function tokenize(action: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  next: while (i < action.length) {
    const c = action[i] as string;
    const rest = action.slice(i);
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    for (const [pattern, kind] of OPERANDS) {
      const text = pattern.exec(rest)?.[0];
      if (text === undefined) continue;
      if (kind === 'word') {
        const literal = ['true', 'false', 'nil'].includes(text);
        tokens.push(literal ? { kind: 'literal', text } : { kind: 'identifier', text });
      } else {
        tokens.push({ kind, text });
      }
      i += text.length;
      continue next;
    }
    if (rest.startsWith(':=')) {
      tokens.push({ kind: 'punct', text: ':=' });
      i += 2;
    } else if ('()|=,'.includes(c)) {
      tokens.push({ kind: 'punct', text: c as '(' | ')' | '|' | '=' | ',' });
      i++;
    } else {
      throw new Error(`unexpected "${c}" in {{${action}}}`);
    }
  }
  return tokens;
}

/**
 * Returns the problems of an annotation template, empty when Go would parse it and Grafana could run
 * it. `extraVariables` are declared by an enclosing template (none for annotations).
 */
export function templateProblems(template: string, extraVariables: readonly string[] = []): string[] {
  const problems: string[] = [];
  const declared = new Set([...GRAFANA_VARIABLES, ...extraVariables]);
  const open: string[] = [];
  let bodies: string[];
  try {
    bodies = actions(template);
  } catch (error) {
    return [(error as Error).message];
  }
  if (/\$\$/.test(template))
    problems.push('contains $$: Grafana does not unescape annotations, Go sees two variables');
  for (const body of bodies) {
    let tokens: Token[];
    try {
      tokens = tokenize(body);
    } catch (error) {
      problems.push((error as Error).message);
      continue;
    }
    const where = `{{${body}}}`;
    if (tokens.length === 0) {
      problems.push(`empty action ${where}`);
      continue;
    }
    const first = tokens[0] as Token;
    let pipeline = tokens;
    if (first.kind === 'identifier' && KEYWORDS.has(first.text)) {
      const keyword = first.text;
      pipeline = tokens.slice(1);
      if (keyword === 'end') {
        if (!open.pop()) problems.push(`${where}: end without an opening action`);
        if (pipeline.length > 0) problems.push(`${where}: end takes nothing`);
        continue;
      }
      if (keyword === 'else') {
        if (open.length === 0) problems.push(`${where}: else outside if/range/with`);
        if (pipeline[0]?.kind === 'identifier' && (pipeline[0].text === 'if' || pipeline[0].text === 'with'))
          pipeline = pipeline.slice(1);
        else if (pipeline.length > 0) problems.push(`${where}: else takes nothing (or "else if")`);
        if (pipeline.length === 0) continue;
      } else if (keyword === 'break' || keyword === 'continue') {
        if (!open.includes('range')) problems.push(`${where}: ${keyword} outside range`);
        continue;
      } else if (keyword === 'template' || keyword === 'define' || keyword === 'block') {
        if (pipeline[0]?.kind !== 'literal' || !/^["`]/.test(pipeline[0].text))
          problems.push(`${where}: ${keyword} needs a quoted name`);
        pipeline = pipeline.slice(1);
        if (OPENERS.has(keyword)) open.push(keyword);
        if (pipeline.length === 0) continue;
      } else if (OPENERS.has(keyword)) {
        open.push(keyword);
      }
    }
    // Declarations: `$x := …`, and in range `$i, $e := …`.
    const assign = pipeline.findIndex((t) => t.kind === 'punct' && (t.text === ':=' || t.text === '='));
    if (assign >= 0) {
      const targets = pipeline.slice(0, assign).filter((t) => !(t.kind === 'punct' && t.text === ','));
      for (const target of targets) {
        if (target.kind !== 'variable' || target.text === '$')
          problems.push(`${where}: cannot assign to ${target.text}`);
        else if ((pipeline[assign] as Token).text === ':=') declared.add(target.text);
        else if (!declared.has(target.text)) problems.push(`${where}: undefined variable ${target.text}`);
      }
      pipeline = pipeline.slice(assign + 1);
    }
    problems.push(...pipelineProblems(pipeline, declared, where));
  }
  for (const keyword of open) problems.push(`unclosed {{ ${keyword} }}: missing {{ end }}`);
  return problems;
}

function pipelineProblems(tokens: readonly Token[], declared: ReadonlySet<string>, where: string): string[] {
  const problems: string[] = [];
  if (tokens.length === 0) return [`${where}: missing value`];
  // Split into commands at top-level pipes; parentheses hold nested pipelines.
  const commands: Token[][] = [[]];
  let depth = 0;
  const nested: Token[][] = [];
  let current: Token[] = [];
  for (const token of tokens) {
    if (token.kind === 'punct' && token.text === '(') {
      if (depth === 0) current = [];
      else current.push(token);
      depth++;
      continue;
    }
    if (token.kind === 'punct' && token.text === ')') {
      depth--;
      if (depth < 0) return [`${where}: unexpected )`];
      if (depth === 0) {
        nested.push(current);
        (commands.at(-1) as Token[]).push({ kind: 'literal', text: '(…)' });
      } else current.push(token);
      continue;
    }
    if (depth > 0) {
      current.push(token);
      continue;
    }
    if (token.kind === 'punct' && token.text === '|') commands.push([]);
    else (commands.at(-1) as Token[]).push(token);
  }
  if (depth !== 0) return [`${where}: unclosed (`];
  commands.forEach((command, index) => {
    const head = command[0];
    if (!head) {
      problems.push(`${where}: empty command in pipeline`);
      return;
    }
    for (const token of command) {
      const variable = token.kind === 'variable' ? token.text.split('.')[0] : undefined;
      if (variable !== undefined && !declared.has(variable))
        problems.push(`${where}: undefined variable ${variable}`);
      if (token.kind === 'identifier' && !FUNCTIONS.has(token.text))
        problems.push(`${where}: function "${token.text}" not defined`);
      if (token.kind === 'punct') problems.push(`${where}: unexpected "${token.text}"`);
    }
    const isFunction = head.kind === 'identifier';
    if (!isFunction && command.length > 1)
      problems.push(`${where}: can't give argument to non-function ${head.text}`);
    if (index > 0 && !isFunction) problems.push(`${where}: non-function ${head.text} in pipeline`);
  });
  for (const inner of nested) problems.push(...pipelineProblems(inner, declared, where));
  return problems;
}

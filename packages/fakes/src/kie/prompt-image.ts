import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Resvg } from '@resvg/resvg-js';
import { fontAdvances, type MeasureEm } from './font-advances.ts';
import { ellipsize, wrapLines } from './wrap-lines.ts';

/** What the picture shows besides the prompt. */
export interface PromptImageOptions {
  /** @default 1024 */
  readonly width?: number;
  /** @default 1024 */
  readonly height?: number;
  /** A small line above the prompt, e.g. the model's name. */
  readonly title?: string;
  /** A small line at the bottom, e.g. the task id. */
  readonly footer?: string;
}

// Shipped with the fake (see assets/OFL.txt and scripts/make-fake-media.sh): no system fonts needed.
const FONT_FILES = ['NotoSans-Regular.ttf', 'NotoSans-Bold.ttf'].map((f) =>
  fileURLToPath(new URL(`./assets/${f}`, import.meta.url)),
);
const FONT_FAMILY = 'Noto Sans';
const SIZES = [76, 64, 54, 46, 40, 34, 29, 25];
const LINE_HEIGHT = 1.3;
// Calm two-colour gradients; the prompt's hash picks one, so equal prompts look the same.
const PALETTES: ReadonlyArray<readonly [string, string]> = [
  ['#4f46e5', '#ec4899'],
  ['#0ea5e9', '#22c55e'],
  ['#f97316', '#db2777'],
  ['#7c3aed', '#06b6d4'],
  ['#0f766e', '#84cc16'],
  ['#be123c', '#f59e0b'],
  ['#1e3a8a', '#9333ea'],
  ['#065f46', '#0284c7'],
];

let measureBold: MeasureEm | undefined;

/** A PNG that shows `prompt` wrapped over several lines on a gradient: the fake's "generated" image. */
export function renderPromptPng(prompt: string, options: PromptImageOptions = {}): Buffer {
  measureBold ??= fontAdvances(readFileSync(FONT_FILES[1] as string));
  const svg = promptSvg(prompt, options, measureBold);
  const resvg = new Resvg(svg, {
    font: { fontFiles: FONT_FILES, loadSystemFonts: false, defaultFontFamily: FONT_FAMILY },
  });
  return resvg.render().asPng();
}

/** The SVG behind `renderPromptPng`, exported for the tests' look at the layout. */
export function promptSvg(prompt: string, options: PromptImageOptions, measure: MeasureEm): string {
  const width = options.width ?? 1024;
  const height = options.height ?? 1024;
  const hash = createHash('sha256').update(prompt).digest();
  const [from, to] = PALETTES[(hash[0] ?? 0) % PALETTES.length] as readonly [string, string];
  const pad = Math.round(Math.min(width, height) * 0.09);
  const boxWidth = width - 2 * pad;
  const boxHeight = height - 2 * pad - 120;
  const text = clean(prompt).trim() || '(empty prompt)';
  const { size, lines } = layout(text, boxWidth, boxHeight, measure);
  const lineStep = size * LINE_HEIGHT;
  const top = (height - lines.length * lineStep) / 2 + size * 0.95;
  const bubbles = [1, 2, 3].map((i) => {
    const cx = ((hash[i * 3] ?? 0) / 255) * width;
    const cy = ((hash[i * 3 + 1] ?? 0) / 255) * height;
    const r = (0.15 + ((hash[i * 3 + 2] ?? 0) / 255) * 0.3) * Math.min(width, height);
    return `<circle cx="${cx.toFixed(0)}" cy="${cy.toFixed(0)}" r="${r.toFixed(0)}" fill="#fff" fill-opacity="0.09"/>`;
  });
  const tspans = lines.map(
    (line, i) => `<tspan x="${width / 2}" y="${(top + i * lineStep).toFixed(1)}">${xml(line)}</tspan>`,
  );
  const small = Math.max(18, Math.round(Math.min(width, height) * 0.024));
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">`,
    '<defs><linearGradient id="bg" x1="0" y1="0" x2="1" y2="1">',
    `<stop offset="0" stop-color="${from}"/><stop offset="1" stop-color="${to}"/>`,
    '</linearGradient></defs>',
    `<rect width="${width}" height="${height}" fill="url(#bg)"/>`,
    ...bubbles,
    `<rect x="${pad / 2}" y="${pad / 2}" width="${width - pad}" height="${height - pad}" rx="${pad / 2}" fill="#000" fill-opacity="0.16"/>`,
    `<g font-family="${FONT_FAMILY}" fill="#fff" text-anchor="middle">`,
    options.title
      ? `<text x="${width / 2}" y="${pad + small}" font-size="${small}" fill-opacity="0.8">${xml(clean(options.title))}</text>`
      : '',
    `<text font-size="${size}" font-weight="700">${tspans.join('')}</text>`,
    options.footer
      ? `<text x="${width / 2}" y="${height - pad}" font-size="${small}" fill-opacity="0.7">${xml(clean(options.footer))}</text>`
      : '',
    '</g></svg>',
  ].join('');
}

/** The largest font size at which the wrapped prompt fits the box; at the smallest, the rest is cut with "…". */
function layout(text: string, boxWidth: number, boxHeight: number, measure: MeasureEm) {
  for (const size of SIZES) {
    const lines = wrapLines(text, boxWidth / size, measure);
    if (lines.length * size * LINE_HEIGHT <= boxHeight) return { size, lines };
  }
  const size = SIZES.at(-1) as number;
  const fit = Math.max(1, Math.floor(boxHeight / (size * LINE_HEIGHT)));
  const lines = wrapLines(text, boxWidth / size, measure).slice(0, fit);
  lines[fit - 1] = ellipsize(lines[fit - 1] ?? '', boxWidth / size, measure);
  return { size, lines };
}

/** Drops the characters XML 1.0 forbids (C0 controls but tab/newline, lone surrogates), which resvg rejects. */
function clean(text: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: these are exactly what must go
  return text.toWellFormed().replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, ' ');
}

function xml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

import { readFile } from 'node:fs/promises';
import type { ServerResponse } from 'node:http';
import { stripTypeScriptTypes } from 'node:module';
import { extname } from 'node:path';

/** The page's own files (packages/fakes/src/telegram/web), served by the fake. */
const WEB_DIR = new URL('../web/', import.meta.url);

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  // TypeScript is served as the JavaScript it is once its types are erased.
  '.ts': 'text/javascript; charset=utf-8',
};

/**
 * Serves `name` from the web directory: flat names only, so no path leaves it. The browser code is
 * TypeScript with erasable syntax only, the same as the rest of the project, so stripping its types
 * is the whole build: no bundler, and what the page runs is what the repository holds.
 */
export async function serveWebFile(name: string, res: ServerResponse): Promise<boolean> {
  const type = TYPES[extname(name)];
  if (!type || !/^[a-z0-9-]+\.[a-z]+$/.test(name)) return false;
  let source: string;
  try {
    source = await readFile(new URL(name, WEB_DIR), 'utf8');
  } catch {
    return false;
  }
  const body = name.endsWith('.ts') ? stripTypes(source) : source;
  res.writeHead(200, {
    'content-type': type,
    'content-length': String(Buffer.byteLength(body)),
    'cache-control': 'no-cache',
    'x-content-type-options': 'nosniff',
  });
  res.end(body);
  return true;
}

function stripTypes(source: string): string {
  // Node 24 marks stripTypeScriptTypes experimental and warns once per process; in the sandbox's
  // terminal chat that line would land in the middle of the conversation, so this call is silenced.
  const emitWarning = process.emitWarning;
  process.emitWarning = () => {};
  try {
    return stripTypeScriptTypes(source, { mode: 'strip' });
  } finally {
    process.emitWarning = emitWarning;
  }
}

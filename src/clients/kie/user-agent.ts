import { readFileSync } from 'node:fs';

function packageVersion(): string {
  try {
    const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8'));
    return String(pkg.version);
  } catch {
    return '0.0.0';
  }
}

/** Sent on every KIE call: Cloudflare may answer 403 "error code: 1010" without one (kie-api.md §1, §9 row 14). */
export const KIE_USER_AGENT = `tg-genbot/${packageVersion()}`;

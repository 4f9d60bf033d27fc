/** Thrown by parseCatalog/loadCatalog; `problems` lists every problem, one `path: message` line each. */
export class CatalogError extends Error {
  override readonly name = 'CatalogError';
  readonly problems: readonly string[];
  /** The file the catalog came from, when it came from one. */
  readonly file: string | undefined;
  constructor(problems: readonly string[], options?: ErrorOptions & { readonly file?: string }) {
    const where = options?.file === undefined ? 'Invalid catalog' : `Invalid catalog ${options.file}`;
    super(`${where}:\n${problems.map((p) => `  - ${p}`).join('\n')}`, options);
    this.problems = problems;
    this.file = options?.file;
  }
}

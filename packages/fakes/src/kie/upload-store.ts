/** A file received on POST /api/file-stream-upload. */
export interface StoredUpload {
  /** `uploadPath/fileName`, the key: KIE overwrites a file uploaded again under the same name. */
  readonly filePath: string;
  readonly fileName: string;
  readonly mimeType: string;
  readonly bytes: Buffer;
  readonly uploadedAt: number;
}

/** Uploaded files by path; expired ones stay stored but are no longer served. */
export class UploadStore {
  readonly #files = new Map<string, StoredUpload>();
  readonly #expiryMs: number | undefined;

  /** `expirySeconds`: how long a file is served (KIE says 24 h or 3 days, kie-api.md §4, §9 row 8). */
  constructor(expirySeconds: number | undefined) {
    this.#expiryMs = expirySeconds === undefined ? undefined : expirySeconds * 1000;
  }

  put(upload: StoredUpload): void {
    this.#files.set(upload.filePath, upload);
  }

  /** The file at `filePath` if it is still served at `now`. */
  get(filePath: string, now = Date.now()): StoredUpload | undefined {
    const file = this.#files.get(filePath);
    if (!file || (this.#expiryMs !== undefined && now > file.uploadedAt + this.#expiryMs)) return undefined;
    return file;
  }

  all(): StoredUpload[] {
    return [...this.#files.values()];
  }
}

/** The public path of an upload below the fake's base URL. */
export function uploadUrlPath(filePath: string): string {
  return `/files/uploads/${filePath.split('/').map(encodeURIComponent).join('/')}`;
}

import type { Api } from 'grammy';
import type { KieClient } from '../../../clients/kie/index.ts';
import type { Generation } from '../../../services/generations/index.ts';

export interface PrepareInputDeps {
  readonly api: Api;
  readonly kie: KieClient;
  /** Bot API root and token, to download the user's photo (the URL never leaves this function). */
  readonly apiRoot: string;
  readonly token: string;
  /** @default global fetch */
  readonly fetch?: typeof fetch;
}

/**
 * For models that need the user's photo: downloads it from Telegram and uploads it to KIE, whose URL
 * goes into `image_urls`. Done right before createTask, since KIE keeps uploads for a day at most.
 */
export function createInputPreparer(deps: PrepareInputDeps) {
  const fetchFn = deps.fetch ?? fetch;
  return async (g: Generation, signal?: AbortSignal): Promise<Readonly<Record<string, unknown>>> => {
    if (!g.sourceFileId) return g.input;
    const file = await deps.api.getFile(g.sourceFileId);
    if (!file.file_path) throw new Error('Telegram returned no file_path for the source photo');
    const response = await fetchFn(`${deps.apiRoot}/file/bot${deps.token}/${file.file_path}`, {
      signal: signal ?? AbortSignal.timeout(60_000),
    });
    // Only the status: the URL holds the bot token.
    if (!response.ok) throw new Error(`Downloading the source photo failed: HTTP ${response.status}`);
    const bytes = new Uint8Array(await response.arrayBuffer());
    const { url } = await deps.kie.uploadFile(bytes, {
      fileName: file.file_path.split('/').at(-1) ?? 'photo.jpg',
      mimeType: 'image/jpeg',
      generationId: g.id,
      userId: g.userId,
      ...(signal && { signal }),
    });
    return { ...g.input, image_urls: [url] };
  };
}

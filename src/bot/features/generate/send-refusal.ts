import { GrammyError } from 'grammy';

/**
 * Why Telegram refused to send a file, when it did:
 * - `url`: it could not fetch the URL or take what it found there (a download and upload may work);
 * - `file`: it will not take this file in this form, e.g. too big or odd dimensions for a photo
 *   (an upload, or the same file as a document, may work);
 * - `final`: anything else (chat not found, caption too long, bad entities, blocked): the same
 *   message sent another way would be refused just the same.
 */
export type SendRefusal = 'url' | 'file' | 'final';

// Telegram tells these apart only by the description; these are its texts for a URL it could not
// use (https://core.telegram.org/bots/api#sending-files: 5 MB for photos, 20 MB for other files by
// URL, against 10 MB and 50 MB by upload).
const URL_TROUBLE =
  /failed to get HTTP URL content|wrong file identifier\/HTTP URL specified|wrong type of the web page content|WEBPAGE_CURL_FAILED|WEBPAGE_MEDIA_EMPTY/i;
const FILE_TROUBLE =
  /too big|too large|PHOTO_INVALID_DIMENSIONS|PHOTO_SAVE_FILE_INVALID|PHOTO_EXT_INVALID|IMAGE_PROCESS_FAILED/i;

/** The kind of refusal, or undefined when `error` is not one (network trouble, 429, 5xx: try again later). */
export function sendRefusalOf(error: unknown): SendRefusal | undefined {
  if (!(error instanceof GrammyError)) return undefined;
  if (error.error_code < 400 || error.error_code >= 500 || error.error_code === 429) return undefined;
  if (URL_TROUBLE.test(error.description)) return 'url';
  if (FILE_TROUBLE.test(error.description)) return 'file';
  return 'final';
}

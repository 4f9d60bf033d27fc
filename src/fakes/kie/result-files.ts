import type { ResultKind } from './types.ts';

/** Bytes, extension and Content-Type of a served result file. */
export interface ResultFile {
  readonly ext: string;
  readonly contentType: string;
  readonly bytes: Buffer;
}

// A valid 1×1 red RGB PNG, so image decoders and Telegram uploads accept it.
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAIAAACQd1PeAAAADElEQVR4nGP4z8AAAAMBAQDJ/pLvAAAAAElFTkSuQmCC',
  'base64',
);

// An MP4 `ftyp` box: enough for sniffers to recognise the type; not a playable video.
const MP4 = Buffer.from([
  0x00, 0x00, 0x00, 0x18, 0x66, 0x74, 0x79, 0x70, 0x69, 0x73, 0x6f, 0x6d, 0x00, 0x00, 0x02, 0x00, 0x69, 0x73,
  0x6f, 0x6d, 0x6d, 0x70, 0x34, 0x31,
]);

// An ID3v2.4 header with no tags followed by one silent MPEG-1 Layer III frame header and padding.
const MP3 = Buffer.concat([
  Buffer.from([0x49, 0x44, 0x33, 0x04, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00]),
  Buffer.from([0xff, 0xfb, 0x90, 0x00]),
  Buffer.alloc(32),
]);

/** The file the fake serves for each result kind. */
export const RESULT_FILES: Readonly<Record<ResultKind, ResultFile>> = {
  image: { ext: 'png', contentType: 'image/png', bytes: PNG },
  video: { ext: 'mp4', contentType: 'video/mp4', bytes: MP4 },
  audio: { ext: 'mp3', contentType: 'audio/mpeg', bytes: MP3 },
};

/** Finds the result file for an extension, if the fake serves one. */
export function resultFileByExt(ext: string): ResultFile | undefined {
  return Object.values(RESULT_FILES).find((f) => f.ext === ext);
}

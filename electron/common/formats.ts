/**
 * The one table of file formats: which extensions are photos (and which of those are camera
 * RAW), what Evenlight writes and under which extension, the normalisation modes, and the
 * MIME types the app serves. Listing a folder, planning outputs, validating a request or a
 * command line and serving the renderer all read it here.
 *
 * Pure TypeScript (no Node): the renderer imports it through the contract.
 */

export const PHOTO_TYPES = ['jpeg', 'png', 'tiff', 'webp', 'raw'] as const;
export type PhotoType = (typeof PHOTO_TYPES)[number];

/** Camera RAW extensions (lower case, no dot); the content is confirmed by magic bytes when read. */
export const RAW_EXTENSIONS = ['nef', 'nrw', 'cr2', 'cr3', 'arw', 'dng', 'raf', 'orf', 'rw2', 'pef', 'srw'] as const;

const TYPE_BY_EXTENSION: Readonly<Record<string, PhotoType>> = {
  jpg: 'jpeg',
  jpeg: 'jpeg',
  png: 'png',
  tif: 'tiff',
  tiff: 'tiff',
  webp: 'webp',
  ...Object.fromEntries(RAW_EXTENSIONS.map((e) => [e, 'raw' as const])),
};

/** Every extension listed as a photo (lower case, no dot). */
export const PHOTO_EXTENSIONS: readonly string[] = Object.keys(TYPE_BY_EXTENSION);

/** Extension of a file name or path, lower case, without the dot ('' when none). */
export function extensionOf(path: string): string {
  const name = path.slice(Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\')) + 1);
  const dot = name.lastIndexOf('.');
  return dot > 0 ? name.slice(dot + 1).toLowerCase() : '';
}

/** What a file is by its extension, or null when it is no photo Evenlight reads. */
export function photoTypeOf(path: string): PhotoType | null {
  const ext = extensionOf(path);
  return Object.hasOwn(TYPE_BY_EXTENSION, ext) ? TYPE_BY_EXTENSION[ext] : null;
}

export function isRawExtension(path: string): boolean {
  return photoTypeOf(path) === 'raw';
}

export const OUTPUT_FORMATS = ['jpeg', 'png', 'tiff16'] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

/**
 * JPEG output. Huffman tables are libjpeg's standard ones unless asked: the optimised tables
 * make the same pixels 12–25 % smaller, but sharp's mozjpeg build then makes a second full pass
 * (36 MP, q92 4:4:4: sharp's decode + encode takes ~1.85 s with them, ~0.63 s without; both are
 * rows of `npm run bench -- ai`), which was half of a whole normalise run. The pixels are the
 * same either way: the tables only change the lossless entropy coding. 4:4:4 chroma from q90
 * up: no colour bleed at edges.
 */
export const JPEG_DEFAULTS = { quality: 92, optimizeCoding: false, fullChromaFrom: 90 } as const;

/** What the optimised tables trade, in the words the CLI's help and the app's Smaller file show (measured: README, Benchmarks). */
export const JPEG_OPTIMIZE_TRADE = 'optimised Huffman tables: the same pixels in a 12-25% smaller file, ~10x the encode time';

/** The extension each output format is written with. */
export const OUTPUT_EXTENSIONS: Readonly<Record<OutputFormat, '.jpg' | '.png' | '.tif'>> = { jpeg: '.jpg', png: '.png', tiff16: '.tif' };

/** The output format an output file's name asks for (.jpg/.jpeg, .png, .tif/.tiff), or undefined. */
export function outputFormatOfName(path: string): OutputFormat | undefined {
  const type = photoTypeOf(path);
  return type === 'jpeg' || type === 'png' ? type : type === 'tiff' ? 'tiff16' : undefined;
}

/** The output format of an input's family: JPEG -> jpeg, PNG -> png, TIFF/WebP/RAW -> tiff16. */
export function outputFormatOfInput(path: string): OutputFormat {
  const type = photoTypeOf(path);
  return type === 'jpeg' || type === 'png' ? type : 'tiff16';
}

export const MODES = ['ai', 'classic'] as const;
export type Mode = (typeof MODES)[number];

/** What the shadow colour (`ai` only) does, in the user's words: the CLI's help and the app's tooltip. */
export const SHADOW_COLOUR_HINT =
  "AI only: how much of the photo's colour its darkest tones keep when lifted, 0..1 (0, the default: the model's, which greys out noise; 1: as saturated as the rest of the photo, noise included)";

/** `value` when it is one of `choices`, else undefined: the one check behind the CLI's and the contract's. */
export function oneOf<T extends string>(choices: readonly T[], value: string): T | undefined {
  return (choices as readonly string[]).includes(value) ? (value as T) : undefined;
}

/** "a, b or c", for messages that list the choices of a table. */
export function listChoices(choices: readonly string[]): string {
  return choices.length > 1 ? `${choices.slice(0, -1).join(', ')} or ${choices[choices.length - 1]}` : (choices[0] ?? '');
}

const MIME_BY_EXTENSION: Readonly<Record<string, string>> = {
  html: 'text/html; charset=utf-8',
  js: 'text/javascript; charset=utf-8',
  css: 'text/css; charset=utf-8',
  svg: 'image/svg+xml',
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  webp: 'image/webp',
  ico: 'image/x-icon',
  woff2: 'font/woff2',
  json: 'application/json',
};

/** MIME type of a file by its extension (renderer assets served by app:// and the bridge; photo previews). */
export function mimeTypeOf(path: string): string {
  const ext = extensionOf(path);
  return Object.hasOwn(MIME_BY_EXTENSION, ext) ? MIME_BY_EXTENSION[ext] : 'application/octet-stream';
}

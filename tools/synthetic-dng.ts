/**
 * Writes minimal valid DNGs from known linear scene data: uncompressed 16-bit Bayer RGGB
 * CFA, BlackLevel/WhiteLevel, AsShotNeutral (camera white balance), ColorMatrix1 and
 * BaselineExposure. Tests and benchmarks use it as ground truth for RAW decoding, and the
 * decoder self-check (tools/raw-self-check.ts) decodes one against its known content. A
 * fixture writer, so it lives with the tools, not in the engine the app ships.
 *
 * The camera space is chosen to be linear sRGB: ColorMatrix1 is the XYZ(D65) -> linear
 * sRGB matrix, so a decoder's camera -> sRGB conversion is the identity and decoded values
 * equal the scene values (times the white-balance correction the neutral implies).
 */
import { writeFileSync } from 'node:fs';
import { serializeIfd } from '../electron/engine';

/** Linear-light scene value at (x, y) in sRGB primaries, before white balance; 1 = white level. */
export type Scene = (x: number, y: number) => [number, number, number];

export interface SyntheticDngOptions {
  width: number;
  height: number;
  /** default: `testChartScene(width, height)` */
  scene?: Scene;
  blackLevel?: number;
  whiteLevel?: number;
  /** Camera response to a neutral, G = 1: the raw stores scene × neutral (default 0.5, 1, 0.8). */
  asShotNeutral?: [number, number, number];
  /** DNG BaselineExposure in EV (default 0). */
  baselineExposure?: number;
  make?: string;
  model?: string;
  /** EXIF/TIFF orientation of the raw (default 1). */
  orientation?: number;
  /** Embedded preview JPEG (baseline, RGB) and its size: makes IFD0 the preview, raw in a SubIFD. */
  preview?: Buffer;
  previewWidth?: number;
  previewHeight?: number;
}

/** XYZ (D65) -> linear sRGB (IEC 61966-2-1). */
export const XYZ_TO_SRGB: number[] = [3.2404542, -1.5371385, -0.4985314, -0.969266, 1.8760108, 0.041556, 0.0556434, -0.2040259, 1.0572252];

/** Patch layout of the default chart, in fractions of the image (x0, y0, x1, y1) and linear RGB. */
export interface Patch {
  name: string;
  rect: [number, number, number, number];
  rgb: [number, number, number];
}

export const CHART_PATCHES: Patch[] = [
  { name: 'grey05', rect: [0, 0, 0.25, 0.4], rgb: [0.05, 0.05, 0.05] },
  { name: 'grey10', rect: [0.25, 0, 0.5, 0.4], rgb: [0.1, 0.1, 0.1] },
  { name: 'grey20', rect: [0.5, 0, 0.75, 0.4], rgb: [0.2, 0.2, 0.2] },
  { name: 'grey40', rect: [0.75, 0, 1, 0.4], rgb: [0.4, 0.4, 0.4] },
  { name: 'orange', rect: [0, 0.4, 0.25, 0.8], rgb: [0.4, 0.2, 0.1] },
  { name: 'teal', rect: [0.25, 0.4, 0.5, 0.8], rgb: [0.05, 0.2, 0.25] },
  { name: 'bright', rect: [0.5, 0.4, 0.75, 0.8], rgb: [0.9, 0.9, 0.9] },
  { name: 'dark', rect: [0.75, 0.4, 1, 0.8], rgb: [0.01, 0.01, 0.01] },
];
/** Bottom band (y >= 0.8): horizontal neutral gradient 0 -> 0.9. */
export const GRADIENT_Y0 = 0.8;

export function testChartScene(width: number, height: number): Scene {
  return (x, y) => {
    const fy = y / height;
    const fx = x / width;
    if (fy >= GRADIENT_Y0) {
      const v = 0.9 * fx;
      return [v, v, v];
    }
    for (const p of CHART_PATCHES) {
      const [x0, y0, x1, y1] = p.rect;
      if (fx >= x0 && fx < x1 && fy >= y0 && fy < y1) return p.rgb;
    }
    return [0, 0, 0];
  };
}

type Value = { type: 1 | 2 | 3 | 4 | 5 | 7 | 10; values: number[] | string };
const TYPE_SIZE = { 1: 1, 2: 1, 3: 2, 4: 4, 5: 8, 7: 1, 10: 8 } as const;

function rational(v: number, signed: boolean): [number, number] {
  const den = 1_000_000;
  const num = Math.round(v * den);
  return signed ? [num, den] : [Math.max(0, num), den];
}

/** Builds the whole DNG in memory (little-endian TIFF, one IFD, one strip). */
export function buildSyntheticDng(o: SyntheticDngOptions): Buffer {
  const { width, height } = o;
  if (width % 2 || height % 2) throw new Error('synthetic DNG needs even width and height (2×2 CFA)');
  const scene = o.scene ?? testChartScene(width, height);
  const black = o.blackLevel ?? 256;
  const white = o.whiteLevel ?? 16383;
  const neutral = o.asShotNeutral ?? [0.5, 1, 0.8];
  const be = o.baselineExposure ?? 0;

  // RGGB mosaic: (even row, even col) R, (odd, odd) B, else G.
  const pixels = Buffer.alloc(width * height * 2);
  const span = white - black;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const c = (y & 1) === 0 ? ((x & 1) === 0 ? 0 : 1) : (x & 1) === 0 ? 1 : 2;
      const v = scene(x, y)[c] * neutral[c];
      const code = Math.round(black + Math.min(1, Math.max(0, v)) * span);
      pixels.writeUInt16LE(code, (y * width + x) * 2);
    }
  }

  const model = o.model ?? 'Evenlight Synthetic';
  // DNG-level tags (IFD0) and the raw image's own tags. Without a preview the raw image
  // is IFD0 itself; with one, IFD0 is the preview and the raw sits in a SubIFD, as in
  // camera-made DNGs.
  const dngTags: Array<[number, Value]> = [
    [271, { type: 2, values: o.make ?? 'Evenlight' }],
    [272, { type: 2, values: model }],
    [274, { type: 3, values: [o.orientation ?? 1] }],
    [50706, { type: 1, values: [1, 4, 0, 0] }],
    [50707, { type: 1, values: [1, 1, 0, 0] }],
    [50708, { type: 2, values: model }],
    [50721, { type: 10, values: XYZ_TO_SRGB.flatMap((v) => rational(v, true)) }],
    [50728, { type: 5, values: neutral.flatMap((v) => rational(v, false)) }],
    [50730, { type: 10, values: rational(be, true) }],
    [50778, { type: 3, values: [21] }], // D65
  ];
  const rawTags = (stripOffset: number): Array<[number, Value]> => [
    [254, { type: 4, values: [0] }],
    [256, { type: 4, values: [width] }],
    [257, { type: 4, values: [height] }],
    [258, { type: 3, values: [16] }],
    [259, { type: 3, values: [1] }],
    [262, { type: 3, values: [32803] }],
    [273, { type: 4, values: [stripOffset] }],
    [277, { type: 3, values: [1] }],
    [278, { type: 4, values: [height] }],
    [279, { type: 4, values: [pixels.length] }],
    [284, { type: 3, values: [1] }],
    [33421, { type: 3, values: [2, 2] }],
    [33422, { type: 1, values: [0, 1, 1, 2] }],
    [50710, { type: 1, values: [0, 1, 2] }],
    [50714, { type: 4, values: [black] }],
    [50717, { type: 4, values: [white] }],
  ];
  const header = Buffer.from([0x49, 0x49, 0x2a, 0x00, 0x08, 0x00, 0x00, 0x00]);
  const preview = o.preview;
  if (!preview) {
    // Sizes do not depend on offset values: lay out once to learn where the strip goes.
    const tags = (strip: number): Array<[number, Value]> => [...dngTags, ...rawTags(strip)];
    const strip = 8 + ifdBytes(tags(0), 8).length;
    return Buffer.concat([header, ifdBytes(tags(strip), 8), pixels]);
  }
  const pw = o.previewWidth ?? 0;
  const ph = o.previewHeight ?? 0;
  const previewTags = (previewAt: number, subIfdAt: number): Array<[number, Value]> => [
    ...dngTags,
    [254, { type: 4, values: [1] }],
    [256, { type: 4, values: [pw] }],
    [257, { type: 4, values: [ph] }],
    [258, { type: 3, values: [8, 8, 8] }],
    [259, { type: 3, values: [7] }],
    [262, { type: 3, values: [6] }],
    [273, { type: 4, values: [previewAt] }],
    [277, { type: 3, values: [3] }],
    [278, { type: 4, values: [ph] }],
    [279, { type: 4, values: [preview.length] }],
    [330, { type: 4, values: [subIfdAt] }],
  ];
  const ifd0Len = ifdBytes(previewTags(0, 0), 8).length;
  const subAt = 8 + ifd0Len;
  const subLen = ifdBytes(rawTags(0), subAt).length;
  const previewAt = subAt + subLen;
  const paddedPreview = preview.length % 2 ? Buffer.concat([preview, Buffer.alloc(1)]) : preview;
  const stripAt = previewAt + paddedPreview.length;
  return Buffer.concat([header, ifdBytes(previewTags(previewAt, subAt), 8), ifdBytes(rawTags(stripAt), subAt), paddedPreview, pixels]);
}

function bytesOf(v: Value): Buffer {
  if (typeof v.values === 'string') return Buffer.from(v.values + '\0', 'latin1');
  const size = v.type === 5 || v.type === 10 ? 4 : TYPE_SIZE[v.type];
  const b = Buffer.alloc(v.values.length * size);
  v.values.forEach((n, i) => {
    if (size === 1) b.writeUInt8(n, i);
    else if (size === 2) b.writeUInt16LE(n, i * 2);
    else if (v.type === 10) b.writeInt32LE(n, i * 4);
    else b.writeUInt32LE(n, i * 4);
  });
  return b;
}

/** One IFD (entries sorted by tag, next-IFD 0) at file offset `start`, values after it. */
function ifdBytes(tags: Array<[number, Value]>, start: number): Buffer {
  return serializeIfd(
    tags.map(([tag, v]) => {
      const data = bytesOf(v);
      const count = typeof v.values === 'string' ? data.length : v.type === 5 || v.type === 10 ? v.values.length / 2 : v.values.length;
      return { tag, type: v.type, count, data };
    }),
    start,
  );
}

export function writeSyntheticDng(path: string, o: SyntheticDngOptions): void {
  writeFileSync(path, buildSyntheticDng(o));
}

/**
 * The model over a photo.
 *
 * v2 (the shipped model, `transform` in the manifest): the whole photo — or the metering
 * rectangle — is area-resized to 224×224 ignoring aspect, the network runs once on that
 * thumbnail and returns a transform (a grid of tone curves + a bounded colour step), and
 * curve-apply.ts applies it to the photo's own pixels a band of 224×224 tiles at a time, so
 * the UI still fills in tile by tile. Full resolution costs one cheap per-pixel pass.
 *
 * v1 / seed baseline (`tile` in the manifest): thumbnail -> context graph once -> tile graph
 * per batch of 224×224 tiles -> raised-cosine stitch (stitch.ts).
 *
 * Headroom: the network sees sRGB in 0..1. RAW highlights above 1 are first fitted into
 * that range by one linear gain for the whole photo (headroom.ts), so the model sees them
 * unclipped. v2 applies that gain per sample before its curves and caps its gain so the
 * brightest channel lands at 1 (compressed, hue kept); v1 scales its output by the
 * brightest channel's excess.
 *
 *   predictTransform(session, thumb) -> CurveTransform (v2; a dark thumbnail's lights hidden first,
 *                                       the curves of a dark one blended toward its virtual bracket,
 *                                       a black-and-white one's colour step left out)
 *   normalizeAi(image, session, { meterRect?, onTile?, signal?, batchSize?, overlap?, inPlace?, strength?, shadowColour?, spare? }) -> Promise<RgbFloat>
 */
import type { Rect, RgbFloat } from '../image/types';
import { throwIfAborted } from '../errors';
import type { ModelSession } from '../model/session';
import { processTiled, type TileEvent } from '../stitch';
import { DEFAULT_TILE_SIZE } from '../tiles';
import { areaResizeNchw } from './thumbnail';
import { hideLights } from './meter-lights';
import { virtualBracket, withVirtualBracket } from './virtual-bracket';
import { isNeutral, neutralColour } from './neutral';
import { headroomScale, linearGainCurve, type GainCurve } from './headroom';
import { transformFromOutputs, type CurveTransform } from './curve-apply';
import { applyTransformBands } from './curve-apply-pool';
import { withShadowColour } from './shadow-colour';

export interface AiOptions {
  /** meter (build the context thumbnail) on this rectangle instead of the whole photo */
  meterRect?: Rect;
  onTile?: (e: TileEvent) => void;
  signal?: AbortSignal;
  batchSize?: number;
  overlap?: number;
  /** write the result over `image` (see stitch.ts) */
  inPlace?: boolean;
  /** v2 only: blend with the original inside the same pass (0..1, default 1) */
  strength?: number;
  /** v2 only: how much of the photo's saturation its darkest values keep (0..1, default 0: shadow-colour.ts) */
  shadowColour?: number;
  /** v2 only: the result's samples go here when not in place (normalize/index.ts `spare`) */
  spare?: Float32Array;
}

/** One interleaved RGB tile into slot `base` of an NCHW batch, through the gain, clamped to 0..1. */
function tileToPlanes(src: Float32Array, dst: Float32Array, base: number, plane: number, g: (v: number) => number): void {
  const b1 = base + plane;
  const b2 = b1 + plane;
  for (let p = 0, q = 0; p < plane; p++, q += 3) {
    const r = g(src[q]);
    const gr = g(src[q + 1]);
    const b = g(src[q + 2]);
    dst[base + p] = r < 0 ? 0 : r > 1 ? 1 : r;
    dst[b1 + p] = gr < 0 ? 0 : gr > 1 ? 1 : gr;
    dst[b2 + p] = b < 0 ? 0 : b > 1 ? 1 : b;
  }
}

/**
 * The network's output for one tile, back into that tile's own buffer (each pixel is read
 * before it is written, so no second buffer is needed). Pixels still above 1 after the gain
 * get the output scaled by their brightest channel's excess, the same for R, G and B.
 */
function planesToTile(res: Float32Array, base: number, plane: number, tile: Float32Array, g: (v: number) => number): void {
  const b1 = base + plane;
  const b2 = b1 + plane;
  for (let p = 0, q = 0; p < plane; p++, q += 3) {
    const top = g(Math.max(tile[q], tile[q + 1], tile[q + 2]));
    const k = top > 1 ? top : 1;
    tile[q] = res[base + p] * k;
    tile[q + 1] = res[b1 + p] * k;
    tile[q + 2] = res[b2 + p] * k;
  }
}

/** v2: the network's transform for this photo (or for the metering rectangle of it). */
export async function predictTransform(session: ModelSession, thumb: Float32Array): Promise<CurveTransform> {
  const tg = session.manifest.transform;
  if (!tg) throw new Error('this model predicts no transform');
  const running = session.runTransform(hideLights(thumb));
  // fused while ONNX Runtime runs the network on its own threads; it sees the thumbnail as it
  // is, lights included: they are part of any bracket's fusion
  const vb = virtualBracket(thumb, tg.size);
  const { curves, color } = await running;
  const t = withVirtualBracket(vb, transformFromOutputs(curves, color, tg.knots, tg.grid[0], tg.grid[1]));
  return isNeutral(thumb) ? neutralColour(t) : t;
}

/** Rectangles of the photo's 224×224 tiles, row by row: the order the UI is painted in. */
export function tileGrid(width: number, height: number, size = DEFAULT_TILE_SIZE): Rect[][] {
  const rows: Rect[][] = [];
  for (let y = 0; y < height; y += size) {
    const row: Rect[] = [];
    for (let x = 0; x < width; x += size) row.push({ x, y, w: Math.min(size, width - x), h: Math.min(size, height - y) });
    rows.push(row);
  }
  return rows;
}

function copyRect(image: RgbFloat, r: Rect): RgbFloat {
  const out = new Float32Array(r.w * r.h * 3);
  for (let y = 0; y < r.h; y++) {
    const s = ((r.y + y) * image.width + r.x) * 3;
    out.set(image.data.subarray(s, s + r.w * 3), y * r.w * 3);
  }
  return { width: r.w, height: r.h, data: out };
}

// The editor normalises the same working image again at another strength: the network's
// answer depends only on the pixels, the metering rectangle and the model, so it is kept with
// the image (dropped with it) and the second run is the per-pixel pass alone.
const transforms = new WeakMap<RgbFloat, PhotoTransform & { key: string }>();

/** v2: the network's transform for a float photo, with the headroom map it applies first. */
export interface PhotoTransform {
  t: CurveTransform;
  /** the per-sample headroom map (RAW values above 1), undefined when the photo has none */
  pre?: GainCurve;
}

export async function photoTransform(image: RgbFloat, session: ModelSession, meterRect?: Rect): Promise<PhotoTransform> {
  const gain = headroomScale(image);
  const t = await predictTransform(session, areaResizeNchw(image, session.contextSize, meterRect, gain));
  return { t, pre: gain === 1 ? undefined : linearGainCurve(gain) };
}

export interface ApplyPhotoOptions {
  /** where the grid lies (the metering rectangle), when not over the whole photo */
  gridRect?: Rect;
  /** 0..1 blend with the photo as it came (default 1) */
  strength?: number;
  /** 0..1, shadow-colour.ts (default 0: the model's) */
  shadowColour?: number;
  signal?: AbortSignal;
  /** rows y0..y1 of `dst` are final */
  onBand?: (y0: number, y1: number) => void;
}

/**
 * A float photo's transform applied a band of 224 rows (one row of UI tiles) at a time, on
 * every core (curve-apply-pool.ts), into `dst`: floats (outMax 1; `image.data` itself is fine)
 * or integer samples (outMax 255 or 65535: the file path writes them as they are, with no float
 * result to quantise). The workers run the SIMD kernel where the install has it (float32:
 * within about 1e-6 of applyTransformRows, an integer one code apart about once in 10⁵). Deep
 * shadows are smoothed first where the transform lifts them (shadow-smooth.ts; its SIMD kernel
 * where the install has it, within 1e-5).
 */
export async function applyPhotoTransform(image: RgbFloat, known: PhotoTransform, dst: Float32Array | Uint8Array | Uint16Array, outMax: 1 | 255 | 65535, opts: ApplyPhotoOptions = {}): Promise<void> {
  const expected = outMax === 1 ? Float32Array : outMax === 255 ? Uint8Array : Uint16Array;
  if (!(dst instanceof expected)) throw new RangeError(`applyPhotoTransform: outMax ${outMax} takes a ${expected.name}`);
  const { width, height } = image;
  await applyTransformBands(image, withShadowColour(known.t, opts.shadowColour ?? 0), {
    dst: { width, height, data: dst },
    strength: opts.strength,
    pre: known.pre,
    gridRect: opts.gridRect,
    signal: opts.signal,
    onBand: opts.onBand,
    bandRows: DEFAULT_TILE_SIZE,
  });
}

/** v2 path: one network run on the thumbnail, then the transform over the photo, a band of tiles at a time. */
async function normalizeWithTransform(image: RgbFloat, session: ModelSession, opts: AiOptions): Promise<RgbFloat> {
  const key = `${session.dir}|${session.manifest.version}|${JSON.stringify(opts.meterRect ?? null)}`;
  let known = transforms.get(image);
  if (known?.key !== key) {
    known = { key, ...(await photoTransform(image, session, opts.meterRect)) };
    if (!opts.inPlace) transforms.set(image, known); // an image written over is not the same photo any more
  }
  throwIfAborted(opts.signal);
  const { width: W, height: H } = image;
  const out: RgbFloat = opts.inPlace ? image : { width: W, height: H, data: opts.spare ?? new Float32Array(image.data.length) };
  const rows = tileGrid(W, H);
  const total = rows.length * rows[0].length;
  let index = 0;
  await applyPhotoTransform(image, known, out.data, 1, {
    gridRect: opts.meterRect,
    strength: opts.strength,
    shadowColour: opts.shadowColour,
    signal: opts.signal,
    onBand: opts.onTile ? (y0) => {
      for (const rect of rows[y0 / DEFAULT_TILE_SIZE]) opts.onTile?.({ index: index++, total, rect, pixels: copyRect(out, rect) });
    } : undefined,
  });
  return out;
}

export async function normalizeAi(image: RgbFloat, session: ModelSession, opts: AiOptions = {}): Promise<RgbFloat> {
  if (session.hasTransform) return normalizeWithTransform(image, session, opts);
  const gain = headroomScale(image);
  const context = session.hasContext ? await session.runContext(areaResizeNchw(image, session.contextSize, opts.meterRect, gain)) : undefined;
  throwIfAborted(opts.signal);
  const T = session.tileSize;
  const plane = T * T;
  const g = linearGainCurve(gain);
  let batch = new Float32Array(0); // reused across batches: the session copies what it sends
  return processTiled(
    image,
    async (tiles) => {
      const n = tiles.length;
      if (batch.length < n * 3 * plane) batch = new Float32Array(n * 3 * plane);
      tiles.forEach((tile, t) => tileToPlanes(tile.data, batch, t * 3 * plane, plane, g));
      const res = await session.runTiles(batch.subarray(0, n * 3 * plane), n, T, T, context);
      // results go into the tile buffers the stitcher lent us: it blends them before reuse
      tiles.forEach((tile, t) => planesToTile(res, t * 3 * plane, plane, tile.data, g));
      return tiles;
    },
    {
      tileSize: T,
      overlap: opts.overlap ?? session.manifest.tile?.overlap ?? 32,
      batchSize: opts.batchSize ?? 8,
      signal: opts.signal,
      onTile: opts.onTile,
      inPlace: opts.inPlace,
    },
  );
}

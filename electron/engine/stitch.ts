/**
 * Streaming band processor: photo -> tiles of one band (one row of tiles) -> async,
 * batched operator -> blended straight into the output -> finished rows reported.
 *
 * Blending is two running averages (factors from tiles.ts): along a band, each tile is
 * averaged into what the tiles to its left left there; down the photo, the rows a band
 * shares with the band above are averaged with that band's rows. Where only one tile
 * reaches, that is a memcpy, so arithmetic is spent on the overlaps alone.
 *
 * Working memory besides the output is the tile buffers (at most 2 × batchSize plus the
 * overlap depth) and the rows two bands share (about overlap × width × 3 floats; twice
 * that with `inPlace`), whatever the photo size (200 MP included). Rows above the next
 * band's first row can receive no more contributions, so they are final after each band
 * and never read again — which is why `inPlace` may write the result over the input (no
 * second full-size photo). In place, a tile is blended only once every tile that reads
 * its columns has been cut, and rows the next band still reads wait in a side buffer.
 *
 *   processTiled(image, op, opts) -> Promise<RgbFloat>
 *     op(tiles, infos) -> Promise<RgbFloat[]>: one tileSize×tileSize result per tile.
 *       It may return the tiles it was given, overwritten with its results (no allocation);
 *       the stitcher reuses those buffers only after blending them, and the op must not
 *       keep them past its promise.
 *     opts.onTile({ index, total, rect, pixels }): once per tile, when its region of the
 *       output (the rects partition the photo) is final; `pixels` is a copy of that rect.
 *     opts.onRows(y0, rows): finished rows, top to bottom (rows.width = photo width).
 *     opts.signal: AbortSignal, checked before every batch (rejects with its reason).
 */
import type { Rect, RgbFloat } from './image/types';
import { extractTile, planTiles, type TileGrid, type TileOptions } from './tiles';
import { throwIfAborted } from './errors';

export interface TileInfo {
  /** row-major tile number, 0 .. total-1 */
  index: number;
  col: number;
  row: number;
  /** top-left corner in photo pixels (the tile may extend past the photo: reflect padding) */
  x: number;
  y: number;
  size: number;
}

export type TileOperator = (tiles: RgbFloat[], infos: TileInfo[]) => Promise<RgbFloat[]>;

export interface TileEvent {
  index: number;
  total: number;
  rect: Rect;
  pixels: RgbFloat;
}

export interface StitchStats {
  bands: number;
  batches: number;
  /** floats held beyond the output: the rows two bands share (`top`), plus in place two pending copies of them */
  accumulatorFloats: number;
  /** floats held by the reusable tile buffers (batchSize, plus in place the tiles still waiting, × tileSize² × 3) */
  tileFloats: number;
  /** largest number of tiles handed to the operator at once */
  maxBatch: number;
}

export interface TiledOptions extends TileOptions {
  /** tiles per operator call (default 8) */
  batchSize?: number;
  signal?: AbortSignal;
  onTile?: (e: TileEvent) => void;
  onRows?: (y0: number, rows: RgbFloat) => void;
  /** write the result over the input buffer instead of allocating a second photo */
  inPlace?: boolean;
  /** filled in when given (for tests and benches) */
  stats?: StitchStats;
}

function copyRect(src: Float32Array, srcWidth: number, srcY0: number, rect: Rect): RgbFloat {
  const out = new Float32Array(rect.w * rect.h * 3);
  for (let y = 0; y < rect.h; y++) {
    const s = ((rect.y - srcY0 + y) * srcWidth + rect.x) * 3;
    out.set(src.subarray(s, s + rect.w * 3), y * rect.w * 3);
  }
  return { width: rect.w, height: rect.h, data: out };
}

/**
 * One running-average step over `pixels` RGB pixels: dst = a + f * (b - a), where pixel p's
 * factor is f[f0 + p * fStep] (fStep 0: one factor for the whole run). dst may be a.
 */
function lerpRun(dst: Float32Array, d: number, a: Float32Array, ia: number, b: Float32Array, ib: number, pixels: number, f: Float32Array, f0: number, fStep: number): void {
  // a whole pixel per iteration: V8's per-iteration overhead costs as much as the arithmetic
  for (let p = 0; p < pixels; p++) {
    const ft = f[f0 + p * fStep];
    const k = p * 3;
    const a0 = a[ia + k];
    const a1 = a[ia + k + 1];
    const a2 = a[ia + k + 2];
    dst[d + k] = a0 + ft * (b[ib + k] - a0);
    dst[d + k + 1] = a1 + ft * (b[ib + k + 1] - a1);
    dst[d + k + 2] = a2 + ft * (b[ib + k + 2] - a2);
  }
}

/**
 * One tile row into one output row at `d`: the first `m` pixels were reached by tiles to
 * the left (running average with the per-column factor f), the rest is a plain copy.
 */
function blendRow(dst: Float32Array, d: number, rd: Float32Array, s: number, f: Float32Array, m: number, cols: number): void {
  lerpRun(dst, d, dst, d, rd, s, m, f, 0, 1);
  if (cols > m) dst.set(rd.subarray(s + m * 3, s + cols * 3), d + m * 3);
}

/** A cut tile waiting to be blended: its input buffer and the operator's result. */
interface Done {
  i: number;
  input: RgbFloat;
  result: RgbFloat;
}

export async function processTiled(image: RgbFloat, op: TileOperator, opts: TiledOptions = {}): Promise<RgbFloat> {
  const { width: W, height: H } = image;
  if (image.data.length !== W * H * 3) throw new RangeError(`processTiled: data length ${image.data.length} != ${W}x${H}x3`);
  const grid: TileGrid = planTiles(W, H, opts);
  const T = grid.tileSize;
  const batchSize = Math.max(1, Math.floor(opts.batchSize ?? 8));
  const inPlace = opts.inPlace === true;
  const { xs, ys } = grid;
  const nx = xs.starts.length;
  const ny = ys.starts.length;
  const row = W * 3;
  const out: RgbFloat = inPlace ? image : { width: W, height: H, data: new Float32Array(W * H * 3) };

  // Rows a band shares with the band above: their horizontal blend gathers in `top`, then
  // is averaged with the band above's (kept in the output, or in place in pendOld, while
  // this band's rows for the next one collect in pendNew).
  let overlapRows = 0;
  for (let j = 1; j < ny; j++) overlapRows = Math.max(overlapRows, ys.fresh[j]);
  const top = new Float32Array(overlapRows * row);
  let pendOld = inPlace ? new Float32Array(overlapRows * row) : out.data;
  let pendNew = inPlace ? new Float32Array(overlapRows * row) : out.data;
  // In place, tile i may overwrite its columns only after the last tile reading them is cut.
  const lastReader = xs.starts.map((x) => {
    let m = 0;
    while (m + 1 < nx && xs.starts[m + 1] < x + T) m++;
    return m;
  });

  const stats: StitchStats = opts.stats ?? { bands: 0, batches: 0, accumulatorFloats: 0, maxBatch: 0, tileFloats: 0 };
  Object.assign(stats, { bands: 0, batches: 0, accumulatorFloats: top.length + (inPlace ? 2 * pendOld.length : 0), maxBatch: 0, tileFloats: 0 });
  const free: RgbFloat[] = [];
  const take = (): RgbFloat => {
    const b = free.pop();
    if (b) return b;
    stats.tileFloats += T * T * 3;
    return { width: T, height: T, data: new Float32Array(T * T * 3) };
  };

  for (let j = 0; j < ny; j++) {
    const y0 = ys.starts[j];
    const rows = Math.min(T, H - y0);
    const shared = Math.min(ys.fresh[j], rows);
    const final = j < ny - 1 ? ys.starts[j + 1] - y0 : rows;
    // Where tile row ty goes: rows shared with the band above gather in `top`; rows the
    // next band shares wait in pendNew when in place; the rest go to the output.
    const blendTile = ({ i, input, result }: Done): void => {
      const x0 = xs.starts[i];
      const cols = Math.min(T, W - x0);
      const m = Math.min(xs.fresh[i], cols);
      const f = xs.blend[i];
      for (let ty = 0; ty < rows; ty++) {
        const s = ty * T * 3;
        if (ty < shared) blendRow(top, ty * row + x0 * 3, result.data, s, f, m, cols);
        else if (inPlace && ty >= final) blendRow(pendNew, (ty - final) * row + x0 * 3, result.data, s, f, m, cols);
        else blendRow(out.data, (y0 + ty) * row + x0 * 3, result.data, s, f, m, cols);
      }
      free.push(input);
    };
    const waiting: Done[] = [];
    const drain = (cut: number): void => {
      while (waiting.length > 0 && (!inPlace || lastReader[waiting[0].i] < cut)) blendTile(waiting.shift() as Done);
    };

    for (let i0 = 0; i0 < nx; i0 += batchSize) {
      throwIfAborted(opts.signal);
      const n = Math.min(batchSize, nx - i0);
      const tiles: RgbFloat[] = [];
      const infos: TileInfo[] = [];
      for (let k = 0; k < n; k++) {
        const x = xs.starts[i0 + k];
        tiles.push(extractTile(image, x, y0, T, take()));
        infos.push({ index: j * nx + i0 + k, col: i0 + k, row: j, x, y: y0, size: T });
      }
      drain(i0 + n);
      const results = await op(tiles, infos);
      stats.batches++;
      stats.maxBatch = Math.max(stats.maxBatch, n);
      if (!Array.isArray(results) || results.length !== n) {
        throw new Error(`processTiled: operator returned ${Array.isArray(results) ? results.length : 'no'} tiles for ${n}`);
      }
      results.forEach((r, k) => {
        if (r.width !== T || r.height !== T || r.data.length !== T * T * 3) {
          throw new Error(`processTiled: operator returned a ${r.width}x${r.height} tile, expected ${T}x${T}`);
        }
        waiting.push({ i: i0 + k, input: tiles[k], result: r });
      });
      drain(i0 + n);
    }
    drain(nx);
    stats.bands++;

    // Shared rows: average with the band above, then to the output or (in place, when the
    // next band shares them too) to pendNew.
    for (let ty = 0; ty < shared; ty++) {
      const prev = inPlace ? ty * row : (y0 + ty) * row;
      if (ty < final || !inPlace) lerpRun(out.data, (y0 + ty) * row, pendOld, prev, top, ty * row, W, ys.blend[j], ty, 0);
      else lerpRun(pendNew, (ty - final) * row, pendOld, prev, top, ty * row, W, ys.blend[j], ty, 0);
    }
    [pendOld, pendNew] = [pendNew, pendOld];

    if (opts.onRows) opts.onRows(y0, { width: W, height: final, data: out.data.slice(y0 * row, (y0 + final) * row) });
    if (opts.onTile) {
      for (let i = 0; i < nx; i++) {
        const [a, b] = xs.own[i];
        const rect: Rect = { x: a, y: y0, w: b - a, h: final };
        opts.onTile({ index: j * nx + i, total: grid.total, rect, pixels: copyRect(out.data, W, 0, rect) });
      }
    }
  }
  return out;
}

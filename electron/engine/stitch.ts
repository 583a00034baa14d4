/**
 * Streaming band processor: photo -> tiles of one band (one row of tiles) -> async,
 * batched operator -> weighted into a band accumulator -> finished rows flushed out.
 *
 * Working memory besides the output is `batchSize` tile buffers, plus — with `inPlace` —
 * one band accumulator of tileSize rows × width × 3 floats, whatever the photo size
 * (200 MP included). Rows above the next band's first row can receive no more
 * contributions, so they are final after each band and never read again — which is why
 * `inPlace` may write the result over the input (no second full-size photo).
 *
 *   processTiled(image, op, opts) -> Promise<RgbFloat>
 *     op(tiles, infos) -> Promise<RgbFloat[]>: one tileSize×tileSize result per tile.
 *       The tile buffers are reused after the promise resolves; the op must not keep them.
 *     opts.onTile({ index, total, rect, pixels }): once per tile, when its region of the
 *       output (the rects partition the photo) is final; `pixels` is a copy of that rect.
 *     opts.onRows(y0, rows): finished rows, top to bottom (rows.width = photo width).
 *     opts.signal: AbortSignal, checked before every batch (rejects with its reason).
 */
import type { Rect, RgbFloat } from './image/types';
import { extractTile, planTiles, type TileGrid, type TileOptions } from './tiles';

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
  /** floats held by the band accumulator beyond the output (in place: tileSize * width * 3; else 0) */
  accumulatorFloats: number;
  /** floats held by the reusable tile buffers (batchSize * tileSize² * 3) */
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
 * acc[row ty, column x0 + tx] += wy[ty] * wx[tx] * tile[ty, tx]. Where both weights are
 * exactly 1 no other tile reaches (normalised weights sum to 1), so that run is a plain copy.
 * Kept as a separate plain function so V8 optimises the hot loop on its own.
 */
function accumulateTile(
  acc: Float32Array,
  accRow0: number,
  W: number,
  x0: number,
  cols: number,
  rows: number,
  rd: Float32Array,
  T: number,
  wx: Float32Array,
  wy: Float32Array,
  core: [number, number],
): void {
  const c0 = Math.min(core[0], cols);
  const c1 = Math.min(core[1], cols);
  for (let ty = 0; ty < rows; ty++) {
    const a = wy[ty];
    const rowO = ((accRow0 + ty) * W + x0) * 3;
    const rowS = ty * T * 3;
    let from = 0;
    if (a === 1 && c1 > c0) {
      acc.set(rd.subarray(rowS + c0 * 3, rowS + c1 * 3), rowO + c0 * 3);
      weighRun(acc, rd, rowO, rowS, 0, c0, a, wx);
      from = c1;
    }
    weighRun(acc, rd, rowO, rowS, from, cols, a, wx);
  }
}

function weighRun(acc: Float32Array, rd: Float32Array, rowO: number, rowS: number, from: number, to: number, a: number, wx: Float32Array): void {
  let o = rowO + from * 3;
  let s = rowS + from * 3;
  for (let tx = from; tx < to; tx++) {
    const w = a * wx[tx];
    acc[o] += w * rd[s];
    acc[o + 1] += w * rd[s + 1];
    acc[o + 2] += w * rd[s + 2];
    o += 3;
    s += 3;
  }
}

export async function processTiled(image: RgbFloat, op: TileOperator, opts: TiledOptions = {}): Promise<RgbFloat> {
  const { width: W, height: H } = image;
  if (image.data.length !== W * H * 3) throw new RangeError(`processTiled: data length ${image.data.length} != ${W}x${H}x3`);
  const grid: TileGrid = planTiles(W, H, opts);
  const T = grid.tileSize;
  const batchSize = Math.max(1, Math.floor(opts.batchSize ?? 8));
  const nx = grid.xs.starts.length;
  const ny = grid.ys.starts.length;
  const out: RgbFloat = opts.inPlace ? image : { width: W, height: H, data: new Float32Array(W * H * 3) };
  // A fresh output is zero-filled and its band rows are not final until flushed, so tiles
  // accumulate straight into it (no extra memory, no copy). In place, the input rows of
  // the next band must survive, so a band accumulator is needed.
  const direct = !opts.inPlace;
  const accRows = Math.min(T, H);
  const acc = direct ? out.data : new Float32Array(accRows * W * 3);
  const pool: RgbFloat[] = [];
  const stats: StitchStats = opts.stats ?? { bands: 0, batches: 0, accumulatorFloats: 0, maxBatch: 0, tileFloats: 0 };
  Object.assign(stats, { bands: 0, batches: 0, accumulatorFloats: direct ? 0 : acc.length, maxBatch: 0, tileFloats: 0 });

  for (let j = 0; j < ny; j++) {
    const y0 = grid.ys.starts[j];
    const wy = grid.ys.weights[j];
    const rowsInBand = Math.min(T, H - y0);
    for (let i0 = 0; i0 < nx; i0 += batchSize) {
      opts.signal?.throwIfAborted();
      const n = Math.min(batchSize, nx - i0);
      const tiles: RgbFloat[] = [];
      const infos: TileInfo[] = [];
      for (let k = 0; k < n; k++) {
        const i = i0 + k;
        if (!pool[k]) {
          pool[k] = { width: T, height: T, data: new Float32Array(T * T * 3) };
          stats.tileFloats += T * T * 3;
        }
        const x = grid.xs.starts[i];
        tiles.push(extractTile(image, x, y0, T, pool[k]));
        infos.push({ index: j * nx + i, col: i, row: j, x, y: y0, size: T });
      }
      const results = await op(tiles, infos);
      stats.batches++;
      stats.maxBatch = Math.max(stats.maxBatch, n);
      if (!Array.isArray(results) || results.length !== n) {
        throw new Error(`processTiled: operator returned ${Array.isArray(results) ? results.length : 'no'} tiles for ${n}`);
      }
      for (let k = 0; k < n; k++) {
        const r = results[k];
        if (r.width !== T || r.height !== T || r.data.length !== T * T * 3) {
          throw new Error(`processTiled: operator returned a ${r.width}x${r.height} tile, expected ${T}x${T}`);
        }
        const i = i0 + k;
        accumulateTile(acc, direct ? y0 : 0, W, grid.xs.starts[i], Math.min(T, W - grid.xs.starts[i]), rowsInBand, r.data, T, grid.xs.weights[i], wy, grid.xs.cores[i]);
      }
    }
    stats.bands++;

    // Rows before the next band's start are final.
    const flushRows = j < ny - 1 ? grid.ys.starts[j + 1] - y0 : H - y0;
    if (!direct) out.data.set(acc.subarray(0, flushRows * W * 3), y0 * W * 3);
    if (opts.onRows) opts.onRows(y0, { width: W, height: flushRows, data: out.data.slice(y0 * W * 3, (y0 + flushRows) * W * 3) });
    if (opts.onTile) {
      for (let i = 0; i < nx; i++) {
        const [a, b] = grid.xs.own[i];
        const rect: Rect = { x: a, y: y0, w: b - a, h: flushRows };
        opts.onTile({ index: j * nx + i, total: grid.total, rect, pixels: copyRect(out.data, W, 0, rect) });
      }
    }
    if (!direct) {
      // keep the still-open rows, clear the rest for the next band
      acc.copyWithin(0, flushRows * W * 3);
      acc.fill(0, (accRows - flushRows) * W * 3);
    }
  }
  return out;
}

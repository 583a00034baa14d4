/**
 * Tile geometry: where the 224×224 tiles of a photo sit, how each one is cut out
 * (reflect padding where the photo is smaller than a tile), and the blending weights.
 *
 * Layout per axis: n tiles, evenly spread so the first starts at 0 and the last ends at
 * the image edge; the actual overlap is therefore >= the requested one. Weights are
 * separable (wx(x) * wy(y)); along an axis each tile has a raised-cosine ramp of
 * `overlap` pixels on every side that has a neighbour and weight 1 elsewhere. The
 * ramps are divided by their per-pixel sum, so the normalised weights of all tiles add
 * up to exactly 1 at every pixel (a partition of unity) and the stitcher needs no
 * weight accumulator.
 *
 * The stitcher blends tiles in order with running averages (acc += f * (tile - acc)), so
 * each axis also carries every tile's sequential factor f = w_i / (w_0 + … + w_i): 1 where
 * no earlier tile reaches (a plain copy there), and exact for any overlap depth.
 *
 * Exports:
 *   planTiles(width, height, { tileSize?, overlap? }) -> TileGrid
 *   extractTile(image, x0, y0, size, out?) -> RgbFloat   (reflect-101 padding)
 */
import type { RgbFloat } from './image/types';
import { reflect101 } from './image/reflect';

export const DEFAULT_TILE_SIZE = 224;
export const DEFAULT_OVERLAP = 32;

export interface TileOptions {
  /** tile edge in pixels (default 224) */
  tileSize?: number;
  /** minimum overlap between neighbouring tiles in pixels (default 32, must be < tileSize) */
  overlap?: number;
}

/** Tiles along one axis. */
export interface AxisPlan {
  /** first pixel of each tile (tile i covers [starts[i], starts[i] + tileSize) ∩ [0, length)) */
  starts: number[];
  /** normalised weight of each tile, indexed by offset inside the tile (length tileSize) */
  weights: Float32Array[];
  /** sequential blend factor of each tile, indexed by offset inside the tile (see above) */
  blend: Float32Array[];
  /** offset inside each tile from which no earlier tile reaches (blend factor 1 from there on) */
  fresh: number[];
  /** non-overlapping region [own[i][0], own[i][1]) reported as "tile i" in progress events */
  own: Array<[number, number]>;
  length: number;
}

export interface TileGrid {
  width: number;
  height: number;
  tileSize: number;
  overlap: number;
  xs: AxisPlan;
  ys: AxisPlan;
  /** number of tiles (xs.starts.length * ys.starts.length) */
  total: number;
}

function planAxis(length: number, tile: number, overlap: number): AxisPlan {
  const n = length <= tile ? 1 : Math.ceil((length - overlap) / (tile - overlap));
  const starts: number[] = [];
  for (let i = 0; i < n; i++) starts.push(n === 1 ? 0 : Math.round((i * (length - tile)) / (n - 1)));

  // Raw raised-cosine ramps: strictly positive ((t + 0.5) / r), so every pixel has a
  // non-zero total even where only one tile's ramp reaches.
  const raw: Float32Array[] = starts.map((_s, i) => {
    const w = new Float32Array(tile).fill(1);
    const r = Math.min(overlap, tile);
    if (r > 0) {
      for (let t = 0; t < r; t++) {
        const v = Math.sin((Math.PI / 2) * ((t + 0.5) / r)) ** 2;
        if (i > 0) w[t] *= v;
        if (i < n - 1) w[tile - 1 - t] *= v;
      }
    }
    return w;
  });
  const sum = new Float64Array(length);
  starts.forEach((s, i) => {
    const end = Math.min(s + tile, length);
    for (let p = s; p < end; p++) sum[p] += raw[i][p - s];
  });
  const weights = starts.map((s, i) => {
    const w = new Float32Array(tile);
    const end = Math.min(s + tile, length);
    for (let p = s; p < end; p++) w[p - s] = raw[i][p - s] / sum[p];
    return w;
  });
  // Ownership boundaries sit in the middle of each overlap.
  const own: Array<[number, number]> = starts.map((s, i) => {
    const a = i === 0 ? 0 : Math.floor((s + Math.min(starts[i - 1] + tile, length)) / 2);
    const b = i === n - 1 ? length : Math.floor((starts[i + 1] + Math.min(s + tile, length)) / 2);
    return [a, b];
  });
  // Starts increase, so the tiles before i reach no further than tile i - 1 does.
  const fresh = starts.map((s, i) => (i === 0 ? 0 : Math.max(0, Math.min(starts[i - 1] + tile, length) - s)));
  const before = new Float64Array(length);
  const blend = starts.map((s, i) => {
    const f = new Float32Array(tile).fill(1);
    const end = Math.min(s + tile, length);
    for (let p = s; p < end; p++) {
      const w = raw[i][p - s] / sum[p];
      if (p - s < fresh[i]) f[p - s] = w / (before[p] + w);
      before[p] += w;
    }
    return f;
  });
  return { starts, weights, blend, fresh, own, length };
}

export function planTiles(width: number, height: number, opts: TileOptions = {}): TileGrid {
  const tileSize = opts.tileSize ?? DEFAULT_TILE_SIZE;
  const overlap = opts.overlap ?? DEFAULT_OVERLAP;
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) {
    throw new RangeError(`tiles: image size must be positive integers, got ${width}x${height}`);
  }
  if (!Number.isInteger(tileSize) || tileSize < 2) throw new RangeError(`tiles: tileSize must be an integer >= 2, got ${tileSize}`);
  if (!Number.isInteger(overlap) || overlap < 0 || overlap >= tileSize) {
    throw new RangeError(`tiles: overlap must be an integer in [0, ${tileSize}), got ${overlap}`);
  }
  const xs = planAxis(width, tileSize, overlap);
  const ys = planAxis(height, tileSize, overlap);
  return { width, height, tileSize, overlap, xs, ys, total: xs.starts.length * ys.starts.length };
}

/**
 * Copies the size×size square at (x0, y0) out of `image`; pixels outside the image are
 * reflected (reflect-101), so a 1×1 photo yields a constant tile. `out` is reused when given.
 */
export function extractTile(image: RgbFloat, x0: number, y0: number, size: number, out?: RgbFloat): RgbFloat {
  const { width: W, height: H, data } = image;
  const tile: RgbFloat = out ?? { width: size, height: size, data: new Float32Array(size * size * 3) };
  if (tile.width !== size || tile.height !== size || tile.data.length !== size * size * 3) {
    throw new RangeError('extractTile: output buffer has the wrong size');
  }
  const dst = tile.data;
  const inside = x0 >= 0 && x0 + size <= W;
  for (let ty = 0; ty < size; ty++) {
    const sy = reflect101(y0 + ty, H);
    const rowBase = sy * W * 3;
    const d = ty * size * 3;
    if (inside) {
      // common case: one memcpy per row
      dst.set(data.subarray(rowBase + x0 * 3, rowBase + (x0 + size) * 3), d);
    } else {
      for (let tx = 0; tx < size; tx++) {
        const s = rowBase + reflect101(x0 + tx, W) * 3;
        const o = d + tx * 3;
        dst[o] = data[s];
        dst[o + 1] = data[s + 1];
        dst[o + 2] = data[s + 2];
      }
    }
  }
  return tile;
}

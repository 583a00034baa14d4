import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { RgbFloat } from '../../electron/engine/image/types';
import { processTiled, type StitchStats, type TileEvent, type TileOperator } from '../../electron/engine/stitch';
import { extractTile, planTiles } from '../../electron/engine/tiles';

function noise(width: number, height: number, seed = 1): RgbFloat {
  const data = new Float32Array(width * height * 3);
  let s = seed;
  for (let i = 0; i < data.length; i++) {
    s = (s * 1103515245 + 12345) >>> 0;
    data[i] = (s >>> 8) / 2 ** 24;
  }
  return { width, height, data };
}

const identity: TileOperator = async (tiles) => tiles;

test('identity operator reconstructs the input within 1e-6', async () => {
  for (const [w, h, ov] of [[1, 1, 32], [223, 225, 32], [224, 224, 32], [500, 301, 33], [700, 450, 47], [230, 900, 1], [449, 449, 0]] as const) {
    const img = noise(w, h, w * 31 + h);
    const out = await processTiled(img, identity, { overlap: ov, batchSize: 3 });
    let maxErr = 0;
    for (let i = 0; i < img.data.length; i++) maxErr = Math.max(maxErr, Math.abs(out.data[i] - img.data[i]));
    assert.ok(maxErr <= 1e-6, `${w}x${h} overlap ${ov}: max error ${maxErr}`);
  }
});

test('in-place output is identical to a separate output', async () => {
  const img = noise(610, 470, 9);
  const copy = { ...img, data: img.data.slice() };
  const op: TileOperator = async (tiles) => tiles.map((t) => ({ ...t, data: t.data.map((v) => v * 0.5 + 0.1) }));
  const a = await processTiled(img, op, {});
  const b = await processTiled(copy, op, { inPlace: true });
  assert.equal(b.data, copy.data);
  for (let i = 0; i < a.data.length; i++) assert.ok(Math.abs(a.data[i] - b.data[i]) < 1e-6);
});

test('a different brightness bias per tile leaves no visible seam', async () => {
  // Smooth ramp image; every tile gets its own bias in [-0.1, 0.1].
  const W = 900;
  const H = 700;
  const img: RgbFloat = { width: W, height: H, data: new Float32Array(W * H * 3) };
  for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) for (let c = 0; c < 3; c++) img.data[(y * W + x) * 3 + c] = 0.3 + (0.2 * x) / W + (0.1 * y) / H;
  const bias = (index: number) => 0.1 * Math.sin(index * 12.9898);
  const op: TileOperator = async (tiles, infos) => tiles.map((t, k) => ({ ...t, data: t.data.map((v) => v + bias(infos[k].index)) }));
  const overlap = 32;
  const out = await processTiled(img, op, { overlap });
  // Largest per-pixel step of the added bias field, horizontally and vertically.
  let maxJump = 0;
  let maxBiasDiff = 0;
  for (let i = 0; i < 60; i++) for (let k = 0; k < 60; k++) maxBiasDiff = Math.max(maxBiasDiff, Math.abs(bias(i) - bias(k)));
  let interiorStep = 0;
  for (let y = 1; y < H; y++) {
    for (let x = 1; x < W; x++) {
      const o = (y * W + x) * 3;
      const d = out.data[o] - img.data[o];
      const dl = out.data[o - 3] - img.data[o - 3];
      const du = out.data[o - W * 3] - img.data[o - W * 3];
      maxJump = Math.max(maxJump, Math.abs(d - dl), Math.abs(d - du));
      interiorStep = Math.max(interiorStep, Math.abs(img.data[o] - img.data[o - 3]));
    }
  }
  // A hard seam would jump by up to maxBiasDiff (~0.2) in one pixel. The raised-cosine
  // ramp spreads it over >= `overlap` pixels: step <= diff * pi / (2 * overlap).
  const bound = (maxBiasDiff * Math.PI) / (2 * overlap) + 1e-5;
  assert.ok(maxBiasDiff > 0.15, 'biases really differ');
  assert.ok(maxJump <= bound, `max seam step ${maxJump} > bound ${bound}`);
  assert.ok(maxJump < 0.06 * maxBiasDiff, `seam step ${maxJump} is under 6% of the bias difference ${maxBiasDiff}`);
  assert.ok(interiorStep < 0.001);

  // Control: without overlap the same operator does leave a seam the bound catches.
  const hard = await processTiled(img, op, { overlap: 0 });
  let hardJump = 0;
  for (let p = W + 1; p < W * H; p++) {
    const d = (q: number) => hard.data[q * 3] - img.data[q * 3];
    hardJump = Math.max(hardJump, Math.abs(d(p) - d(p - 1)), Math.abs(d(p) - d(p - W)));
  }
  assert.ok(hardJump > bound * 3, `hard stitching jump ${hardJump} should exceed ${bound}`);
});

test('memory stays within one band whatever the height: side buffers hold only shared rows, tile buffers are bounded', async () => {
  const W = 700; // four tiles across, so a batch of 4 fills
  for (const H of [1100, 12000]) {
    for (const inPlace of [false, true]) {
      const stats: StitchStats = { bands: 0, batches: 0, accumulatorFloats: 0, maxBatch: 0, tileFloats: 0 };
      const rowsSeen: number[] = [];
      let maxRowsChunk = 0;
      const img = noise(W, H);
      const out = await processTiled(img, identity, {
        batchSize: 4,
        stats,
        inPlace,
        onRows: (y0, rows) => {
          rowsSeen.push(y0);
          maxRowsChunk = Math.max(maxRowsChunk, rows.height);
        },
      });
      if (inPlace) assert.equal(out.data, img.data, 'no second photo allocated');
      // fresh output: one buffer of shared rows; in place: three (the band's, and the two
      // bands' pending rows). A shared row block is at most half a tile here.
      assert.ok(stats.accumulatorFloats > 0 && stats.accumulatorFloats <= (inPlace ? 3 : 1) * 112 * W * 3, `${H} ${inPlace}: ${stats.accumulatorFloats} floats`);
      assert.ok(stats.tileFloats <= (2 * 4 + 1) * 224 * 224 * 3, `tile buffers ${stats.tileFloats}`);
      assert.equal(stats.maxBatch, 4);
      assert.ok(maxRowsChunk <= 224);
      assert.deepEqual(rowsSeen, [...rowsSeen].sort((a, b) => a - b));
      assert.equal(stats.bands, rowsSeen.length);
    }
  }
});

test('any overlap depth blends to the weighted sum of the tiles, in place or not', async () => {
  // Tiles overlapping three deep (417 px with overlap 64 needs 3 tiles per axis) and a
  // heavy overlap: the running averages must equal sum_ij wx_i * wy_j * tile_ij exactly.
  const op: TileOperator = async (tiles, infos) => tiles.map((t, k) => ({ ...t, data: t.data.map((v, p) => v * 0.7 + 0.05 * Math.sin(infos[k].index * 3.1 + (p % 7))) }));
  for (const [w, h, ov, bs] of [[417, 417, 64, 1], [600, 300, 150, 2], [1000, 230, 32, 3]] as const) {
    const img = noise(w, h, w + h);
    const grid = planTiles(w, h, { overlap: ov });
    const ref = new Float64Array(w * h * 3);
    grid.ys.starts.forEach((y0, j) => {
      for (let i = 0; i < grid.xs.starts.length; i++) {
        const x0 = grid.xs.starts[i];
        const index = j * grid.xs.starts.length + i;
        const tile = extractTile(img, x0, y0, 224);
        for (let ty = 0; ty < 224 && y0 + ty < h; ty++) {
          for (let tx = 0; tx < 224 && x0 + tx < w; tx++) {
            const wgt = grid.ys.weights[j][ty] * grid.xs.weights[i][tx];
            for (let c = 0; c < 3; c++) {
              const p = (ty * 224 + tx) * 3 + c;
              ref[((y0 + ty) * w + x0 + tx) * 3 + c] += wgt * (Math.fround(tile.data[p] * 0.7 + 0.05 * Math.sin(index * 3.1 + (p % 7))));
            }
          }
        }
      }
    });
    const fresh = await processTiled(img, op, { overlap: ov, batchSize: bs });
    const inPlace = await processTiled({ ...img, data: img.data.slice() }, op, { overlap: ov, batchSize: bs, inPlace: true });
    let errFresh = 0;
    let errInPlace = 0;
    for (let p = 0; p < ref.length; p++) {
      errFresh = Math.max(errFresh, Math.abs(fresh.data[p] - ref[p]));
      errInPlace = Math.max(errInPlace, Math.abs(inPlace.data[p] - ref[p]));
    }
    assert.ok(errFresh < 1e-5 && errInPlace < 1e-5, `${w}x${h} overlap ${ov}: fresh ${errFresh}, in place ${errInPlace}`);
  }
});

test('onTile reports every tile once; its rects partition the photo and carry the final pixels', async () => {
  const img = noise(530, 390, 4);
  const events: TileEvent[] = [];
  const out = await processTiled(img, async (t) => t.map((x) => ({ ...x, data: x.data.map((v) => 1 - v) })), { onTile: (e) => events.push(e) });
  const total = events[0].total;
  assert.equal(events.length, total);
  assert.deepEqual(events.map((e) => e.index).sort((a, b) => a - b), Array.from({ length: total }, (_, i) => i));
  const covered = new Uint8Array(530 * 390);
  for (const e of events) {
    for (let y = 0; y < e.rect.h; y++) {
      for (let x = 0; x < e.rect.w; x++) {
        const p = (e.rect.y + y) * 530 + e.rect.x + x;
        covered[p]++;
        assert.equal(e.pixels.data[(y * e.rect.w + x) * 3 + 1], out.data[p * 3 + 1]);
      }
    }
  }
  assert.ok(covered.every((c) => c === 1));
});

test('abort stops processing and rejects; operator errors propagate', async () => {
  const ctl = new AbortController();
  let calls = 0;
  const op: TileOperator = async (t) => {
    if (++calls === 2) ctl.abort(new Error('stop here'));
    return t;
  };
  await assert.rejects(processTiled(noise(1200, 900), op, { batchSize: 2, signal: ctl.signal }), { code: 'CANCELLED' });
  assert.equal(calls, 2);
  await assert.rejects(processTiled(noise(300, 300), async (t) => t.slice(1)), /returned/);
});

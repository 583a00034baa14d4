import { test } from 'node:test';
import assert from 'node:assert/strict';
import { extractTile, planTiles } from '../../electron/engine/tiles';

test('tiles cover every pixel, overlap at least as asked, and weights sum to 1', () => {
  for (const [len, ov] of [[1, 32], [223, 32], [224, 32], [225, 33], [1000, 32], [4000, 47], [417, 64]] as const) {
    const g = planTiles(len, 7, { overlap: ov });
    const { starts, weights, own } = g.xs;
    assert.equal(starts[0], 0);
    assert.equal(Math.min(starts[starts.length - 1] + 224, len), len, `last tile reaches the edge for ${len}`);
    for (let i = 1; i < starts.length; i++) {
      assert.ok(starts[i - 1] + 224 - starts[i] >= ov, `overlap >= ${ov} at ${len}`);
    }
    const sum = new Float64Array(len);
    starts.forEach((s, i) => {
      for (let p = s; p < Math.min(s + 224, len); p++) {
        assert.ok(weights[i][p - s] >= 0);
        sum[p] += weights[i][p - s];
      }
    });
    for (let p = 0; p < len; p++) assert.ok(Math.abs(sum[p] - 1) < 1e-6, `sum at ${p} of ${len} = ${sum[p]}`);
    // ownership regions partition the axis
    assert.equal(own[0][0], 0);
    assert.equal(own[own.length - 1][1], len);
    for (let i = 1; i < own.length; i++) assert.equal(own[i][0], own[i - 1][1]);
  }
});

test('weights ramp as a raised cosine: 1 in the interior, smooth across the overlap', () => {
  const g = planTiles(1000, 1, { overlap: 32 });
  const w0 = g.xs.weights[0];
  assert.equal(w0[0], 1);
  assert.equal(w0[100], 1);
  // inside the overlap, neighbouring weights differ by at most pi/(2*32) per pixel
  let maxStep = 0;
  for (let t = 1; t < 224; t++) maxStep = Math.max(maxStep, Math.abs(w0[t] - w0[t - 1]));
  assert.ok(maxStep > 0.01 && maxStep <= Math.PI / 64 + 1e-3, `max step ${maxStep}`);
});

test('planTiles rejects bad geometry with a clear message', () => {
  assert.throws(() => planTiles(0, 10), /positive integers/);
  assert.throws(() => planTiles(10, 10, { overlap: 224 }), /overlap/);
  assert.throws(() => planTiles(10, 10, { overlap: -1 }), /overlap/);
});

test('extractTile copies inside pixels and reflects outside ones', () => {
  const W = 5;
  const H = 3;
  const data = new Float32Array(W * H * 3);
  for (let i = 0; i < data.length; i++) data[i] = i;
  const t = extractTile({ width: W, height: H, data }, 0, 0, 8);
  const at = (x: number, y: number, c: number) => t.data[(y * 8 + x) * 3 + c];
  const src = (x: number, y: number, c: number) => data[(y * W + x) * 3 + c];
  assert.equal(at(4, 2, 1), src(4, 2, 1));
  assert.equal(at(5, 0, 0), src(3, 0, 0)); // reflect-101 past the right edge
  assert.equal(at(0, 3, 2), src(0, 1, 2)); // past the bottom
  const one = extractTile({ width: 1, height: 1, data: new Float32Array([0.1, 0.2, 0.3]) }, 0, 0, 4);
  for (let p = 0; p < 16; p++) assert.deepEqual(Array.from(one.data.subarray(p * 3, p * 3 + 3)), Array.from(new Float32Array([0.1, 0.2, 0.3])));
});

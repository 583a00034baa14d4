import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { areaResize, downscaleToMaxSide, fitInside } from '../../../electron/engine/image/resize';

function image(w: number, h: number, f: (x: number, y: number, c: number) => number) {
  const data = new Float32Array(w * h * 3);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) for (let c = 0; c < 3; c++) data[(y * w + x) * 3 + c] = f(x, y, c);
  return { width: w, height: h, data };
}

test('images within the limit come back unchanged', () => {
  const im = image(10, 6, () => 0.5);
  assert.equal(downscaleToMaxSide(im, 10), im);
});

test('an exact 2x box downscale averages 2x2 blocks and keeps the aspect ratio', () => {
  const im = image(8, 4, (x, y, c) => (x + 10 * y + 100 * c) / 1000);
  const out = downscaleToMaxSide(im, 4);
  assert.equal(out.width, 4);
  assert.equal(out.height, 2);
  for (let y = 0; y < 2; y++) {
    for (let x = 0; x < 4; x++) {
      for (let c = 0; c < 3; c++) {
        const want = (2 * x + 0.5 + 10 * (2 * y + 0.5) + 100 * c) / 1000;
        assert.ok(Math.abs(out.data[(y * 4 + x) * 3 + c] - want) < 1e-6);
      }
    }
  }
});

test('non-integer factors preserve the mean of a ramp', () => {
  const im = image(101, 37, (x) => x / 100);
  const out = downscaleToMaxSide(im, 30);
  assert.equal(out.width, 30);
  assert.equal(out.height, 11);
  const mean = (d: Float32Array) => d.reduce((a, b) => a + b, 0) / d.length;
  assert.ok(Math.abs(mean(out.data) - mean(im.data)) < 1e-3);
});

test('areaResize averages exact footprints (also non-integer ratios) and keeps the mean', () => {
  const W = 7;
  const H = 5;
  const data = new Float32Array(W * H * 3);
  for (let i = 0; i < W * H; i++) data.set([i / (W * H), (i % W) / W, 1.5], i * 3);
  const img = { width: W, height: H, data };
  const small = areaResize(img, 3, 2);
  const mean = (d: Float32Array, c: number) => d.filter((_, i) => i % 3 === c).reduce((a, b) => a + b, 0) / (d.length / 3);
  for (const c of [0, 1, 2]) assert.ok(Math.abs(mean(small.data, c) - mean(data, c)) < 1e-5, `channel ${c} mean kept`);
  assert.ok(small.data.every((v, i) => i % 3 !== 2 || Math.abs(v - 1.5) < 1e-6), 'headroom above 1 is kept');
  const two = areaResize({ width: 2, height: 1, data: new Float32Array([0, 0, 0, 1, 1, 1]) }, 1, 1);
  assert.deepEqual([...two.data], [0.5, 0.5, 0.5]);
  assert.throws(() => areaResize(img, 8, 5), /not a downscale/);
});

test('fitInside keeps small photos and fits the long side exactly; 0 means no limit', () => {
  assert.deepEqual(fitInside(800, 600, 2048), { width: 800, height: 600 });
  assert.deepEqual(fitInside(6000, 4000, 2048), { width: 2048, height: 1365 });
  assert.deepEqual(fitInside(4000, 6000, 2048), { width: 1365, height: 2048 });
  assert.deepEqual(fitInside(6000, 4000, 0), { width: 6000, height: 4000 });
  assert.deepEqual(fitInside(5000, 1, 100), { width: 100, height: 1 });
});

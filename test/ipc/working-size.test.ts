import { test } from 'node:test';
import assert from 'node:assert/strict';
import { downscaleArea, workingSize } from '../../electron/ipc/working-size';

test('workingSize keeps small photos and fits the long side', () => {
  assert.deepEqual(workingSize(800, 600, 2048), { width: 800, height: 600 });
  assert.deepEqual(workingSize(6000, 4000, 2048), { width: 2048, height: 1365 });
  assert.deepEqual(workingSize(4000, 6000, 2048), { width: 1365, height: 2048 });
  assert.deepEqual(workingSize(6000, 4000, 0), { width: 6000, height: 4000 });
});

test('downscaleArea averages exact footprints (also non-integer ratios) and keeps the mean', () => {
  const W = 7;
  const H = 5;
  const data = new Float32Array(W * H * 3);
  for (let i = 0; i < W * H; i++) data.set([i / (W * H), (i % W) / W, 1.5], i * 3);
  const img = { width: W, height: H, data };
  const small = downscaleArea(img, 3, 2);
  const mean = (d: Float32Array, c: number) => d.filter((_, i) => i % 3 === c).reduce((a, b) => a + b, 0) / (d.length / 3);
  for (const c of [0, 1, 2]) assert.ok(Math.abs(mean(small.data, c) - mean(data, c)) < 1e-5, `channel ${c} mean kept`);
  assert.ok(small.data.every((v, i) => i % 3 !== 2 || Math.abs(v - 1.5) < 1e-6), 'headroom above 1 is kept');
  const two = downscaleArea({ width: 2, height: 1, data: new Float32Array([0, 0, 0, 1, 1, 1]) }, 1, 1);
  assert.deepEqual([...two.data], [0.5, 0.5, 0.5]);
  assert.throws(() => downscaleArea(img, 8, 5), /not a downscale/);
});

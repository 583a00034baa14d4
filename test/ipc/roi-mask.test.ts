import { test } from 'node:test';
import assert from 'node:assert/strict';
import { brushMask, roiMask } from '../../electron/ipc/roi-mask';

test('no ROIs -> no mask (the whole photo)', () => {
  assert.equal(roiMask(10, 10, []), undefined);
});

test('rect ROI: 1 inside, feathered edge, 0 far away', () => {
  const m = roiMask(100, 100, [{ kind: 'rect', x: 0.4, y: 0.4, w: 0.2, h: 0.2, feather: 0.05 }])!;
  const at = (x: number, y: number) => m.data[y * 100 + x];
  assert.equal(at(50, 50), 1);
  assert.ok(at(62, 50) > 0 && at(62, 50) < 1, `edge ${at(62, 50)}`);
  assert.equal(at(5, 5), 0);
});

test('ellipse ROI: centre 1, corners of its bounding box 0', () => {
  const m = roiMask(100, 60, [{ kind: 'ellipse', x: 0.2, y: 0.2, w: 0.6, h: 0.6, feather: 0 }])!;
  assert.equal(m.data[30 * 100 + 50], 1);
  assert.equal(m.data[13 * 100 + 21], 0);
});

test('brush: round stroke along the polyline with smooth falloff; union with others by max', () => {
  const b = brushMask(50, 20, [[5, 10], [45, 10]], 3, 4);
  assert.equal(b.data[10 * 50 + 25], 1);
  assert.equal(b.data[10 * 50 + 2], 1); // round cap reaches 3 px beyond the end point
  const fading = b.data[15 * 50 + 25];
  assert.ok(fading > 0 && fading < 1, `fall-off ${fading}`);
  assert.equal(b.data[0], 0);
  const m = roiMask(50, 20, [
    { kind: 'brush', points: [[0.1, 0.5], [0.9, 0.5]], radius: 0.15, feather: 0 },
    { kind: 'rect', x: 0, y: 0, w: 0.1, h: 0.1, feather: 0 },
  ])!;
  assert.equal(m.data[10 * 50 + 25], 1);
  assert.equal(m.data[0], 1);
  assert.equal(m.data[19 * 50 + 49], 0);
});

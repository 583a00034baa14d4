import { test } from 'node:test';
import assert from 'node:assert/strict';
import { blendCorrection, brushMask, ellipseMask, maskBounds, rectMask, roiMask } from '../../../electron/engine/normalize/roi';
import { commands, MAX_BRUSH_POINTS, type Roi } from '../../../electron/common/contract';

test('rectMask: 1 inside, smooth fall-off over the feather, exactly 0 beyond', () => {
  const m = rectMask(100, 60, [{ x: 20, y: 10, w: 30, h: 20 }], 10);
  const at = (x: number, y: number) => m.data[y * 100 + x];
  assert.equal(at(25, 15), 1);
  assert.equal(at(49, 29), 1);
  assert.ok(at(54, 20) > 0 && at(54, 20) < 1);
  assert.ok(at(52, 20) > at(56, 20));
  assert.equal(at(61, 20), 0);
  assert.equal(at(90, 50), 0);
  const hard = rectMask(100, 60, [{ x: 20, y: 10, w: 30, h: 20 }], 0);
  assert.equal(hard.data.reduce((a, b) => a + b, 0), 600);
});

test('several rectangles combine; bounds and bad rectangles', () => {
  const m = rectMask(50, 50, [{ x: 0, y: 0, w: 5, h: 5 }, { x: 40, y: 40, w: 10, h: 10 }], 0);
  assert.deepEqual(maskBounds(m), { x: 0, y: 0, w: 50, h: 50 });
  assert.throws(() => rectMask(50, 50, [{ x: 60, y: 0, w: 5, h: 5 }], 0), /outside the 50x50 photo/);
  assert.throws(() => rectMask(50, 50, [{ x: 0, y: 0, w: 0, h: 5 }], 0), /positive/);
  assert.equal(maskBounds(rectMask(10, 10, [], 0)), undefined);
});

test('ellipseMask uses the same mask API', () => {
  const m = ellipseMask(40, 40, [{ cx: 20, cy: 20, rx: 10, ry: 5 }], 4);
  assert.equal(m.data[20 * 40 + 20], 1);
  assert.equal(m.data[20 * 40 + 38], 0);
  assert.ok(m.data[20 * 40 + 31] > 0 && m.data[20 * 40 + 31] < 1);
});

test('blendCorrection: strength and mask interpolate between original and corrected', () => {
  const o = { width: 2, height: 1, data: new Float32Array([0, 0, 0, 0.2, 0.2, 0.2]) };
  const c = () => ({ width: 2, height: 1, data: new Float32Array([1, 1, 1, 0.6, 0.6, 0.6]) });
  assert.deepEqual(Array.from(blendCorrection(o, c(), { strength: 0 }).data), Array.from(o.data));
  assert.deepEqual(Array.from(blendCorrection(o, c(), { strength: 1 }).data), Array.from(c().data));
  const half = blendCorrection(o, c(), { strength: 0.5, mask: { width: 2, height: 1, data: new Float32Array([1, 0]) } });
  assert.deepEqual(Array.from(half.data), [0.5, 0.5, 0.5, 0.2, 0.2, 0.2].map(Math.fround));
});

// the contract's normalised regions, brush strokes among them

test('no ROIs -> no mask (the whole photo)', async () => {
  assert.equal(await roiMask(10, 10, []), undefined);
});

test('rect ROI: 1 inside, feathered edge, 0 far away', async () => {
  const m = (await roiMask(100, 100, [{ kind: 'rect', x: 0.4, y: 0.4, w: 0.2, h: 0.2, feather: 0.05 }]))!;
  const at = (x: number, y: number) => m.data[y * 100 + x];
  assert.equal(at(50, 50), 1);
  assert.ok(at(62, 50) > 0 && at(62, 50) < 1, `edge ${at(62, 50)}`);
  assert.equal(at(5, 5), 0);
});

test('ellipse ROI: centre 1, corners of its bounding box 0', async () => {
  const m = (await roiMask(100, 60, [{ kind: 'ellipse', x: 0.2, y: 0.2, w: 0.6, h: 0.6, feather: 0 }]))!;
  assert.equal(m.data[30 * 100 + 50], 1);
  assert.equal(m.data[13 * 100 + 21], 0);
});

test('brush: round stroke along the polyline with smooth falloff; union with others by max', async () => {
  const b = brushMask(50, 20, [[5, 10], [45, 10]], 3, 4);
  assert.equal(b.data[10 * 50 + 25], 1);
  assert.equal(b.data[10 * 50 + 2], 1); // round cap reaches 3 px beyond the end point
  const fading = b.data[15 * 50 + 25];
  assert.ok(fading > 0 && fading < 1, `fall-off ${fading}`);
  assert.equal(b.data[0], 0);
  const m = (await roiMask(50, 20, [
    { kind: 'brush', points: [[0.1, 0.5], [0.9, 0.5]], radius: 0.15, feather: 0 },
    { kind: 'rect', x: 0, y: 0, w: 0.1, h: 0.1, feather: 0 },
  ]))!;
  assert.equal(m.data[10 * 50 + 25], 1);
  assert.equal(m.data[0], 1);
  assert.equal(m.data[19 * 50 + 49], 0);
});

/** Reference: the exact distance from each pixel centre to the polyline (the old rasteriser). */
function exactBrush(width: number, height: number, pts: [number, number][], radius: number, feather: number): Float32Array {
  const out = new Float32Array(width * height);
  const segs = pts.length === 1 ? [[pts[0], pts[0]]] : pts.slice(1).map((p, i) => [pts[i], p]);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) {
      let best = Infinity;
      for (const [[ax, ay], [bx, by]] of segs) {
        const dx = bx - ax;
        const dy = by - ay;
        const len2 = dx * dx + dy * dy;
        const t = len2 > 0 ? Math.min(1, Math.max(0, ((x + 0.5 - ax) * dx + (y + 0.5 - ay) * dy) / len2)) : 0;
        best = Math.min(best, Math.hypot(x + 0.5 - (ax + t * dx), y + 0.5 - (ay + t * dy)));
      }
      const d = best - radius;
      const u = 1 - d / feather;
      out[y * width + x] = d <= 0 ? 1 : u <= 0 ? 0 : u >= 1 ? 1 : u * u * (3 - 2 * u);
    }
  return out;
}

test('brush: the distance-transform mask matches the exact stroke distance to within a pixel', () => {
  const pts: [number, number][] = [[10, 12], [70, 30], [40, 55], [90, 58]];
  const fast = brushMask(100, 64, pts, 6, 10).data;
  const exact = exactBrush(100, 64, pts, 6, 10);
  let worst = 0;
  for (let i = 0; i < fast.length; i++) worst = Math.max(worst, Math.abs(fast[i] - exact[i]));
  // a 10 px feather changes by at most ~0.15 per pixel; the seed grid is within 0.71 px
  assert.ok(worst < 0.12, `worst difference ${worst}`);
});

function randomBrushes(count: number, points: number): Roi[] {
  let seed = 7;
  const rnd = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
  return Array.from({ length: count }, () => ({ kind: 'brush' as const, points: Array.from({ length: points }, () => [rnd(), rnd()] as [number, number]), radius: 0.5, feather: 0.02 }));
}

test('brush cost is bounded by the pixel count: the request the old code needed hours for takes seconds', { timeout: 120_000 }, async () => {
  // 64 regions sharing the full point budget, radius 0.5 (each segment's box is the whole
  // photo): the old per-segment painter did 20,000 × 3 MP pixel visits
  const rois = randomBrushes(64, Math.floor(MAX_BRUSH_POINTS / 64));
  const t0 = performance.now();
  const m = (await roiMask(2048, 1536, rois))!;
  const s = (performance.now() - t0) / 1000;
  assert.equal(m.data.length, 2048 * 1536);
  assert.ok(s < 60, `took ${s.toFixed(1)} s`); // ~1.5 s on an idle 2-core machine
});

test('a full-size mask is built on a bounded grid and upsampled (24 MP)', { timeout: 120_000 }, async () => {
  const t0 = performance.now();
  const m = (await roiMask(6000, 4000, randomBrushes(4, 400)))!;
  assert.equal(m.data.length, 6000 * 4000);
  assert.ok((performance.now() - t0) / 1000 < 60);
});

test('roiMask yields between regions and stops when its signal aborts', async () => {
  const ctl = new AbortController();
  const rois: Roi[] = Array.from({ length: 64 }, (_, i) => ({ kind: 'ellipse', x: 0.1, y: 0.1, w: 0.5 + i / 200, h: 0.5, feather: 0.02 }));
  const pending = roiMask(2048, 1536, rois, ctl.signal);
  let ticks = 0;
  const timer = setInterval(() => {
    ticks++;
    ctl.abort();
  }, 1);
  await assert.rejects(pending, { code: 'CANCELLED' });
  clearInterval(timer);
  assert.ok(ticks >= 1, 'the event loop ran while the mask was being built');
});

test('the contract caps brush points per region and per request', () => {
  const req = (rois: Roi[]) => commands.normalize.request.safeParse({ jobId: 'j', path: '/a.jpg', mode: 'classic', rois });
  assert.equal(req(randomBrushes(4, 5000)).success, true);
  assert.equal(req(randomBrushes(1, 5001)).success, false);
  const tooMany = req(randomBrushes(5, 5000));
  assert.equal(tooMany.success, false);
  assert.match(JSON.stringify(tooMany.error?.issues), /too many brush points/);
  assert.equal(commands.exportPhoto.request.safeParse({ path: '/a.jpg', mode: 'classic', rois: randomBrushes(64, 400) }).success, false);
});

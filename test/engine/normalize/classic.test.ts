import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyClassic, classicParams, meterExposure, shoulder } from '../../../electron/engine/normalize/classic';
import { exposeBy, loadPhoto, meanAbsDiff } from '../../helpers/photos';

// Normal-key scenes: a classical meter aims at average grey, so a deliberately dark or
// high-key photo (kodim05, kodim20) is "corrected" away from its original look.
const photos = ['photos/kodak24/kodim01.png', 'photos/kodak24/kodim03.png', 'photos/kodak24/kodim19.png', 'photos/kodak24/kodim23.png'];

test('classic brings under- and over-exposed real photos measurably closer to the original', async () => {
  const ratios: number[] = [];
  for (const rel of photos) {
    const orig = await loadPhoto(rel, 512);
    for (const ev of [-2, -1.5, 1.5]) {
      const bad = exposeBy(orig, ev);
      const fixedImg = await applyClassic(bad, classicParams(meterExposure(bad)));
      const before = meanAbsDiff(bad, orig);
      const after = meanAbsDiff(fixedImg, orig);
      assert.ok(after < 0.65 * before, `${rel} at ${ev} EV: error ${before.toFixed(4)} -> ${after.toFixed(4)}`);
      ratios.push(after / before);
    }
  }
  // on average the error drops to well under a third (measured: ~0.2)
  const mean = ratios.reduce((a, b) => a + b, 0) / ratios.length;
  assert.ok(mean < 0.35, `mean error ratio ${mean.toFixed(3)}`);
});

test('metering sees the exposure shift: the chosen EV moves with it', async () => {
  const orig = await loadPhoto(photos[0]);
  const ev0 = classicParams(meterExposure(orig)).ev;
  const evDark = classicParams(meterExposure(exposeBy(orig, -2))).ev;
  assert.ok(Math.abs(evDark - ev0 - 2) < 0.3, `ev ${ev0} vs dark ${evDark}`);
});

test('shoulder is the identity without headroom and maps the white point to 1', () => {
  for (const v of [0, 0.3, 0.7, 0.95, 1]) assert.ok(Math.abs(shoulder(v, 0.6, 1) - v) < 1e-12);
  assert.ok(Math.abs(shoulder(4, 0.6, 4) - 1) < 1e-12);
  assert.ok(shoulder(2, 0.6, 4) < 1 && shoulder(2, 0.6, 4) > shoulder(1.5, 0.6, 4));
  // continuous with slope 1 at the knee
  const e = 1e-6;
  assert.ok(Math.abs((shoulder(0.6 + e, 0.6, 4) - 0.6) / e - 1) < 1e-3);
});

test('RAW headroom above 1 is compressed into range, not clipped flat', async () => {
  const img = { width: 4, height: 1, data: new Float32Array([0.5, 0.5, 0.5, 1, 1, 1, 1.5, 1.5, 1.5, 2.5, 2.5, 2.5]) };
  const p = classicParams(meterExposure(img));
  const out = await applyClassic(img, p);
  const v = [0, 3, 6, 9].map((i) => out.data[i]);
  assert.ok(v.every((x) => x <= 1 + 1e-6), String(v));
  assert.ok(v[1] < v[2] && v[2] < v[3], `highlights keep their order: ${v}`);
});

test('abort between strips rejects with CANCELLED, whatever the abort reason', async () => {
  const ctl = new AbortController();
  ctl.abort(new Error('cancelled by test'));
  const img = { width: 10, height: 500, data: new Float32Array(15000).fill(0.2) };
  await assert.rejects(applyClassic(img, classicParams(meterExposure(img)), { signal: ctl.signal }), { code: 'CANCELLED', message: 'cancelled' });
});

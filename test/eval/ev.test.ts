// EV of bracket frames: buckets, metadata EVs, and the image-based estimate checked
// against the exposure times of real brackets from the shared data.
import { strict as assert } from 'node:assert';
import { join } from 'node:path';
import { test } from 'node:test';
import { bestExposedFrame, evBucket, evFromImages, evFromMetadata, evStep, frameEvs, meanLuma, RESPONSE_CONTRAST } from '../../electron/eval/ev';
import { listBracketScenes } from '../../electron/eval/scenes';
import { readImage } from '../../electron/engine/image/io';
import { downscaleToMaxSide } from '../../electron/engine/image/resize';
import type { RgbFloat } from '../../electron/engine/image/types';
import { dataDir } from '../helpers/paths';

test('EV buckets: <= -3, -3..-1, -1..+1 (both ends), +1..+3, >= +3', () => {
  const cases: Array<[number, string]> = [
    [-7, '<=-3'], [-3, '<=-3'], [-2.9999999, '<=-3'], [-2.99, '-3..-1'], [-1.01, '-3..-1'],
    [-1, '-1..+1'], [0, '-1..+1'], [1, '-1..+1'], [1.0000001, '-1..+1'], [1.01, '+1..+3'],
    [2.99, '+1..+3'], [3, '>=+3'], [6.5, '>=+3'],
  ];
  for (const [ev, bucket] of cases) assert.equal(evBucket(ev), bucket, `EV ${ev}`);
});

test('EV from metadata: log2(t * ISO / N^2); ISO or N only when every frame states it', () => {
  const e = (timeS: number | null, iso: number | null = null, fNumber: number | null = null) => ({ timeS, iso, fNumber });
  assert.deepEqual(evFromMetadata([e(1 / 8), e(1 / 2), e(2)]), [-3, -1, 1]);
  // same time, ISO 100 -> 400 and f/8 -> f/4: +2 and +2 EV
  const ev = evFromMetadata([e(0.01, 100, 8), e(0.01, 400, 8), e(0.01, 400, 4)]) as number[];
  assert.deepEqual(ev.map((x) => Math.round((x - ev[0]) * 1e9) / 1e9), [0, 2, 4]);
  // one frame without ISO: ISO is assumed constant
  assert.deepEqual(evFromMetadata([e(1, 100), e(2, null)]), [0, 1]);
  assert.equal(evFromMetadata([e(1), e(null)]), undefined);
  assert.equal(evFromMetadata([]), undefined);
});

/** A linear-light scene rendered through the sRGB curve at 2^ev, clipped like a camera. */
function render(ev: number, w = 64, h = 48): RgbFloat {
  const data = new Float32Array(w * h * 3);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const lin = 0.002 * 1.12 ** (x + (y % 8) * 8); // 0.002 .. ~4000x that: every level somewhere
      for (let c = 0; c < 3; c++) {
        const v = Math.min(1, lin * (0.8 + 0.15 * c) * 2 ** ev);
        data[(y * w + x) * 3 + c] = v <= 0.0031308 ? v * 12.92 : 1.055 * v ** (1 / 2.4) - 0.055;
      }
    }
  }
  return { width: w, height: h, data };
}

test('best-exposed frame = mean sRGB luma nearest 0.5; frameEvs are relative to it', () => {
  const frames = [render(-4), render(-2), render(0), render(2)];
  const lumas = frames.map(meanLuma);
  assert.ok(lumas[0] < lumas[1] && lumas[1] < lumas[2] && lumas[2] < lumas[3]);
  const best = bestExposedFrame(frames);
  assert.equal(best, lumas.map((l, i) => [Math.abs(l - 0.5), i]).sort((a, b) => a[0] - b[0])[0][1]);
  const meta = [-4, -2, 0, 2].map((ev) => ({ timeS: 2 ** ev, iso: null, fNumber: null }));
  const r = frameEvs(frames, meta, []);
  assert.equal(r.source, 'metadata');
  assert.equal(r.best, best);
  assert.deepEqual(r.ev, [-4, -2, 0, 2].map((ev) => ev - [-4, -2, 0, 2][best]));
  // flags saying the times do not describe the pixels: the images decide
  assert.equal(frameEvs(frames, meta, ['flat_exposure_steps']).source, 'image');
  assert.equal(frameEvs(frames).source, 'image');
});

test('evStep is exact up to the response prior on pure sRGB frames, and undefined with nothing in common', () => {
  // pure sRGB rendering has no camera S-curve: the measured step is 2 EV / prior
  const s = evStep(render(0), render(2)) as number;
  assert.ok(Math.abs(s * RESPONSE_CONTRAST - 2) < 0.05, `step ${s * RESPONSE_CONTRAST}`);
  const black = { width: 4, height: 4, data: new Float32Array(48) };
  const white = { width: 4, height: 4, data: new Float32Array(48).fill(1) };
  assert.equal(evStep(black, white), undefined);
  // the chain still gives a number (mean-luminance fallback), brighter frame higher
  const chain = evFromImages([black, white]);
  assert.ok(chain[1] > chain[0]);
});

for (const scene of ['hangxiaotian_preschool', 'rawio_canon5d3_foyer', 'rawio_canon70d_kitchen']) {
  test(`image-based EVs agree with the exposure times of ${scene} within 0.5 EV (frames within 4 EV of the best)`, async () => {
    const s = listBracketScenes(join(dataDir, 'brackets', scene))[0];
    const images: RgbFloat[] = [];
    for (const f of s.frames) images.push(downscaleToMaxSide((await readImage(f)).image, 512));
    const meta = frameEvs(images, s.exposures, s.flags);
    assert.equal(meta.source, 'metadata');
    const fromImages = frameEvs(images);
    assert.equal(fromImages.source, 'image');
    const errs = meta.ev.map((ev, i) => ({ ev, err: Math.abs(ev - fromImages.ev[i]) }));
    console.log(`${scene}: metadata ${meta.ev.map((e) => e.toFixed(2)).join(' ')}\n  images   ${fromImages.ev.map((e) => e.toFixed(2)).join(' ')}`);
    for (const { ev, err } of errs) if (Math.abs(ev) <= 4.01) assert.ok(err <= 0.5, `frame at ${ev.toFixed(2)} EV: off by ${err.toFixed(2)}`);
    // further out the chain drifts, but never by more than 1.2 EV
    for (const { ev, err } of errs) assert.ok(err <= 1.2, `frame at ${ev.toFixed(2)} EV: off by ${err.toFixed(2)}`);
    // and the steps keep their order: darkest first
    for (let i = 1; i < fromImages.ev.length; i++) assert.ok(fromImages.ev[i] > fromImages.ev[i - 1]);
  });
}

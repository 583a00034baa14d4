import { test } from 'node:test';
import assert from 'node:assert/strict';
import { normalizeImage, normalizeImageDetailed, defaultMode } from '../../../electron/engine/normalize';
import type { TileEvent } from '../../../electron/engine/stitch';
import { exposeBy, loadPhoto } from '../../helpers/photos';
import { makeTestModel } from '../../helpers/onnx-models';
import { tmpDir } from '../../helpers/paths';

const noModel = tmpDir('evenlight-nomodel-');

test('strength 0 is the identity, 1 the full correction, 0.5 half way', async () => {
  const img = exposeBy(await loadPhoto('photos/kodak24/kodim03.png', 256), -2);
  const before = img.data.slice();
  const full = await normalizeImage(img, { mode: 'classic', strength: 1, modelDir: noModel });
  const none = await normalizeImage(img, { mode: 'classic', strength: 0, modelDir: noModel });
  const half = await normalizeImage(img, { mode: 'classic', strength: 0.5, modelDir: noModel });
  assert.deepEqual(none.data, img.data);
  assert.deepEqual(img.data, before, 'input untouched');
  let maxDiff = 0;
  let moved = 0;
  for (let i = 0; i < img.data.length; i++) {
    maxDiff = Math.max(maxDiff, Math.abs(half.data[i] - (img.data[i] + full.data[i]) / 2));
    moved = Math.max(moved, Math.abs(full.data[i] - img.data[i]));
  }
  assert.ok(maxDiff < 1e-6);
  assert.ok(moved > 0.1);
  await assert.rejects(normalizeImage(img, { mode: 'classic', strength: 1.5 }), /strength/);
});

test('ROI metering changes the result inside the ROI and leaves far-away pixels untouched', async () => {
  // kodim01 is a brick house; meter on a small patch of the darkest part only
  const img = await loadPhoto('photos/kodak24/kodim01.png');
  const roi = { x: 40, y: 40, w: 120, h: 120 };
  const feather = 20;
  const global = await normalizeImageDetailed(img, { mode: 'classic', modelDir: noModel });
  const local = await normalizeImageDetailed(img, { mode: 'classic', modelDir: noModel, rois: [roi], feather });
  assert.ok(Math.abs(global.report.ev! - local.report.ev!) > 0.05, `metered EV differs: ${global.report.ev} vs ${local.report.ev}`);
  let insideDiff = 0;
  for (let y = roi.y; y < roi.y + roi.h; y++) {
    for (let x = roi.x; x < roi.x + roi.w; x++) insideDiff = Math.max(insideDiff, Math.abs(local.image.data[(y * img.width + x) * 3] - global.image.data[(y * img.width + x) * 3]));
  }
  assert.ok(insideDiff > 0.01, `inside ROI differs from global metering by ${insideDiff}`);
  for (let y = 0; y < img.height; y++) {
    for (let x = 0; x < img.width; x++) {
      const far = x >= roi.x + roi.w + feather + 1 || y >= roi.y + roi.h + feather + 1;
      if (!far) continue;
      const p = (y * img.width + x) * 3;
      assert.equal(local.image.data[p], img.data[p], `pixel ${x},${y} changed`);
    }
  }
});

test('ai mode runs the model through tiles; progress events carry final pixels', async () => {
  const dir = makeTestModel({ target: 0.45 });
  const img = exposeBy(await loadPhoto('photos/kodak24/kodim23.png', 500), -2);
  const events: TileEvent[] = [];
  const { image, report } = await normalizeImageDetailed(img, { mode: 'ai', modelDir: dir, onTile: (e) => events.push(e) });
  assert.equal(report.mode, 'ai');
  assert.ok(report.provider === 'cpu' || report.provider === 'cuda', `provider ${report.provider}`); // with or without CUDA
  assert.equal(report.model, 'evenlight-test@0.0.1');
  let mean = 0;
  for (const v of img.data) mean += v;
  mean /= img.data.length;
  const gain = 0.45 / mean;
  for (let i = 0; i < img.data.length; i += 101) assert.ok(Math.abs(image.data[i] - Math.min(1, img.data[i] * gain)) < 2e-3, `pixel ${i}`);
  assert.equal(events.length, events[0].total);
  const e = events[events.length - 1];
  const p = ((e.rect.y + 1) * img.width + e.rect.x + 1) * 3;
  assert.equal(e.pixels.data[(1 * e.rect.w + 1) * 3], image.data[p]);
});

test('ai never writes into its input, with a region, a strength and progress events (the worker caches inputs)', async () => {
  const dir = makeTestModel({ target: 0.45 });
  const img = exposeBy(await loadPhoto('photos/kodak24/kodim23.png', 300), -2);
  const before = img.data.slice();
  const first = await normalizeImage(img, { mode: 'ai', modelDir: dir, strength: 0.7, rois: [{ x: 20, y: 20, w: 120, h: 90 }], onTile: () => undefined });
  assert.deepEqual(img.data, before, 'input untouched');
  const again = await normalizeImage(img, { mode: 'ai', modelDir: dir, strength: 0.7, rois: [{ x: 20, y: 20, w: 120, h: 90 }] });
  assert.deepEqual(again.data, first.data, 'same input, same result');
});

test('consumeInput writes a full-strength result over the input, and keeps the input when a blend needs it', async () => {
  const dir = makeTestModel({ target: 0.45 });
  const photo = exposeBy(await loadPhoto('photos/kodak24/kodim23.png', 300), -2);
  for (const mode of ['ai', 'classic'] as const) {
    const expected = await normalizeImage(photo, { mode, modelDir: dir });
    const given = { ...photo, data: photo.data.slice() };
    const out = await normalizeImage(given, { mode, modelDir: dir, consumeInput: true });
    assert.equal(out.data, given.data, `${mode}: no second photo`);
    let worst = 0;
    for (let i = 0; i < out.data.length; i++) worst = Math.max(worst, Math.abs(out.data[i] - expected.data[i]));
    assert.ok(worst < 1e-6, `${mode}: in place differs by ${worst}`);

    for (const opts of [{ strength: 0.6 }, { rois: [{ x: 10, y: 10, w: 100, h: 80 }] }]) {
      const kept = { ...photo, data: photo.data.slice() };
      const blended = await normalizeImage(kept, { mode, modelDir: dir, consumeInput: true, ...opts });
      assert.notEqual(blended.data, kept.data);
      assert.deepEqual(kept.data, photo.data, `${mode} ${JSON.stringify(opts)}: original kept for the blend`);
    }
  }
});

test('ai without a usable model falls back to classic and says why; defaultMode follows the manifest', async () => {
  const img = await loadPhoto('photos/kodak24/kodim03.png', 64);
  const { report } = await normalizeImageDetailed(img, { mode: 'ai', modelDir: noModel });
  assert.equal(report.mode, 'classic');
  assert.match(report.fallback!, /manifest\.json.*used classic/);
  assert.equal(defaultMode(noModel), 'classic');
  assert.equal(defaultMode(makeTestModel({ noContext: true })), 'ai');
});

test('a spare buffer takes the result, bit for bit what a fresh one gets (the shipped model and classic); a wrong one is refused', async () => {
  const photo = exposeBy(await loadPhoto('photos/kodak24/kodim23.png', 300), -2);
  const before = photo.data.slice();
  for (const mode of ['ai', 'classic'] as const) {
    for (const opts of [{}, { strength: 0.6 }, { rois: [{ x: 10, y: 10, w: 100, h: 80 }] }]) {
      const what = `${mode} ${JSON.stringify(opts)}`;
      const expected = await normalizeImage(photo, { mode, ...opts });
      // stale contents (the last Normalise's) must not show through
      const spare = new Float32Array(photo.data.length).fill(Number.NaN);
      const tiles: TileEvent[] = [];
      const out = await normalizeImage(photo, { mode, spare, onTile: (e) => tiles.push(e), ...opts });
      assert.equal(out.data, spare, `${what}: the spare holds the result`);
      assert.deepEqual(out.data, expected.data, `${what}: same result`);
      assert.ok(tiles.length > 0, `${what}: tiles still stream`);
      assert.deepEqual(photo.data, before, `${what}: input untouched`);
    }
  }
  // a model without the transform (tiles stitched) may leave the spare unused: its result is still right
  const v1 = makeTestModel({ target: 0.45 });
  const expected = await normalizeImage(photo, { mode: 'ai', modelDir: v1 });
  assert.deepEqual((await normalizeImage(photo, { mode: 'ai', modelDir: v1, spare: new Float32Array(photo.data.length) })).data, expected.data);
  for (const bad of [{ spare: new Float32Array(photo.data.length - 3) }, { spare: photo.data }, { spare: new Float32Array(photo.data.length), consumeInput: true }]) {
    await assert.rejects(normalizeImage(photo, { mode: 'classic', ...bad }), /spare/);
  }
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { compareFusion, diffHeatmap, diffHeatmap8 } from '../../electron/engine/compare-fusion';
import { floatToU8 } from '../../electron/engine/image/quantize';
import { readImage } from '../../electron/engine/image/io';
import { psnr } from '../../electron/engine/metrics/psnr';
import { ssim } from '../../electron/engine/metrics/ssim';
import { tmpDir } from '../helpers/paths';
import { writeSmallBracket } from '../helpers/bracket-files';
import { makeTestModel } from '../helpers/onnx-models';

test('compare-fusion with a real ONNX model: all images, heatmaps, side-by-side and metrics agree with the files', async () => {
  const dir = tmpDir();
  const { files } = await writeSmallBracket(dir);
  const out = join(dir, 'out');
  const stages: string[] = [];
  const r = await compareFusion(files, out, { modelDir: makeTestModel(), onProgress: (s) => stages.push(s) });
  assert.equal(r.frame.index, 2); // middle of 3, darkest first
  assert.ok(stages.includes('mertens') && stages.at(-1) === 'done');
  const fusion = (await readImage(r.fusion.path)).image;
  for (const mode of ['original', 'ai', 'classic'] as const) {
    const o = r.outcomes.find((x) => x.mode === mode);
    assert.ok(o && !o.error, `${mode}: ${o?.error}`);
    const img = (await readImage(o.path as string)).image;
    // metrics were computed on the same pixels that were written (PNG is lossless 8-bit)
    assert.ok(Math.abs((o.psnr as number) - psnr(img, fusion)) < 1e-9);
    assert.ok(Math.abs((o.ssim as number) - ssim(img, fusion)) < 1e-9);
    const heat = await sharp(o.heatmap as string).metadata();
    assert.equal(heat.width, fusion.width);
  }
  const sbs = await sharp(r.sideBySide).metadata();
  assert.equal(sbs.height, fusion.height);
  assert.equal(sbs.width, fusion.width * 4 + 3 * 8); // frame | ai | classic | fusion
  const doc = JSON.parse(readFileSync(r.metricsPath, 'utf8')) as { panels: string[]; outcomes: unknown[] };
  assert.deepEqual(doc.panels, ['frame', 'ai', 'classic', 'fusion']);
  assert.equal(doc.outcomes.length, 3);
});

test('compare-fusion without a usable model fails ai clearly and still does classic', async () => {
  const dir = tmpDir();
  const { files } = await writeSmallBracket(dir);
  const r = await compareFusion(files, join(dir, 'out'), { modelDir: tmpDir('evenlight-nomodel-'), frame: 1 });
  assert.equal(r.frame.index, 1);
  const ai = r.outcomes.find((o) => o.mode === 'ai');
  assert.match(ai?.error ?? '', /^ai: /);
  assert.equal(ai?.path, undefined);
  const classic = r.outcomes.find((o) => o.mode === 'classic');
  assert.ok(classic && !classic.error && typeof classic.ssim === 'number');
  await assert.rejects(compareFusion(files, join(dir, 'o2'), { frame: 4 }), /--frame must be 1\.\.3/);
});

test('compare-fusion honours an AbortSignal', async () => {
  const dir = tmpDir();
  const { files } = await writeSmallBracket(dir);
  const ac = new AbortController();
  ac.abort();
  await assert.rejects(compareFusion(files, join(dir, 'out'), { signal: ac.signal }), /cancelled/);
});

test('difference heatmap: zero for identical images, saturates at the scale', () => {
  const a = { width: 2, height: 1, data: new Float32Array([0.5, 0.5, 0.5, 0, 0, 0]) };
  const b = { width: 2, height: 1, data: new Float32Array([0.5, 0.5, 0.5, 1, 1, 1]) };
  const h = diffHeatmap(a, b);
  assert.deepEqual(Array.from(h.image.data), [0, 0, 0, 1, 1, 1]);
  assert.equal(h.meanAbsDiff, 127.5);
});

test('the 8-bit heatmap compare-fusion writes is the float heatmap quantised, byte for byte', () => {
  // differences across the whole scale and past it, so every colour band and the clip are hit
  const w = 97, h = 13, n = w * h * 3;
  const a = { width: w, height: h, data: new Float32Array(n) };
  const b = { width: w, height: h, data: new Float32Array(n) };
  for (let i = 0; i < n; i++) {
    a.data[i] = ((i * 7919) % 1000) / 999;
    b.data[i] = a.data[i] + (((i * 104729) % 701) / 700 - 0.5) * ((i % 5) / 4);
  }
  const f = diffHeatmap(a, b);
  const q = diffHeatmap8(a, b);
  assert.deepEqual(q.image.data, floatToU8(f.image.data));
  assert.equal(q.meanAbsDiff, f.meanAbsDiff);
  assert.ok(new Set(q.image.data).size > 60, `the test spans many codes (${new Set(q.image.data).size})`);
});

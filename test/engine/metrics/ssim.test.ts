import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ssim, ssimScalar } from '../../../electron/engine/metrics/ssim';
import type { RgbFloat } from '../../../electron/engine/image/types';
import { repoRoot, tmpDir } from '../../helpers/paths';

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32);
}

/** Smooth gradient + texture so local statistics vary across the image. */
function scene(w: number, h: number, seed: number): RgbFloat {
  const r = rng(seed);
  const data = new Float32Array(w * h * 3);
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++)
      for (let c = 0; c < 3; c++) {
        const v = 0.5 + 0.3 * Math.sin(x / (7 + c)) * Math.cos(y / 11) + 0.1 * (r() - 0.5);
        data[(y * w + x) * 3 + c] = v;
      }
  return { width: w, height: h, data };
}

function distort(img: RgbFloat, seed: number, noise: number, gain: number): RgbFloat {
  const r = rng(seed);
  const data = new Float32Array(img.data.length);
  for (let i = 0; i < data.length; i++) data[i] = img.data[i] * gain + noise * (r() - 0.5) + (i % 3 === 0 ? 0.02 : 0);
  return { width: img.width, height: img.height, data };
}

function u8(img: RgbFloat): Buffer {
  const b = Buffer.alloc(img.data.length);
  for (let i = 0; i < b.length; i++) b[i] = Math.max(0, Math.min(255, Math.round(img.data[i] * 255)));
  return b;
}

function pythonSsim(a: RgbFloat, b: RgbFloat): number {
  const dir = tmpDir();
  writeFileSync(join(dir, 'a.u8'), u8(a));
  writeFileSync(join(dir, 'b.u8'), u8(b));
  const r = spawnSync('/usr/bin/python3', [join(repoRoot, 'test/fixtures/ssim_ref.py'), join(dir, 'a.u8'), join(dir, 'b.u8'), String(a.width), String(a.height)], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return Number(r.stdout.trim());
}

test('identical images give SSIM 1', () => {
  const a = scene(40, 30, 1);
  assert.equal(ssim(a, a), 1);
});

test('SSIM matches an independent scipy reference (scikit-image semantics)', () => {
  // 150 rows spans several 64-row bands, exercising band seams and reflect borders
  const a = scene(97, 150, 2);
  for (const [noise, gain] of [[0.05, 1], [0.3, 0.8], [0.8, 1.2]]) {
    const b = distort(a, 3, noise, gain);
    const ours = ssim(a, b);
    const ref = pythonSsim(a, b);
    assert.ok(ours < 1 && ours > -1);
    assert.ok(Math.abs(ours - ref) < 1e-9, `ours ${ours} ref ${ref}`);
    // the JavaScript that runs where the SIMD kernel does not load
    assert.ok(Math.abs(ssimScalar(a, b) - ref) < 1e-9, `js ${ssimScalar(a, b)} ref ${ref}`);
  }
});

test('SSIM matches the reference at the smallest sizes, where a single window fits (the ring of rows in ssim.ts)', () => {
  for (const [w, h] of [[11, 11], [12, 13], [11, 40]]) {
    const a = scene(w, h, 6);
    const b = distort(a, 7, 0.3, 0.9);
    const ours = ssim(a, b);
    const ref = pythonSsim(a, b);
    assert.ok(Math.abs(ours - ref) < 1e-9, `${w}x${h}: ours ${ours} ref ${ref}`);
  }
});

test('SSIM decreases as distortion grows and rejects bad sizes', () => {
  const a = scene(64, 64, 4);
  const s1 = ssim(a, distort(a, 5, 0.05, 1));
  const s2 = ssim(a, distort(a, 5, 0.4, 1));
  assert.ok(s1 > s2, `${s1} > ${s2}`);
  assert.throws(() => ssim(a, scene(64, 63, 4)), /size mismatch/);
  assert.throws(() => ssim(scene(10, 10, 1), scene(10, 10, 1)), /smaller than/);
  assert.throws(() => ssimScalar(a, scene(64, 63, 4)), /size mismatch/);
  assert.throws(() => ssimScalar(scene(10, 10, 1), scene(10, 10, 1)), /smaller than/);
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { tonemapReinhardDevlin, tonemapReinhardGlobal } from '../../../electron/engine/hdr/reinhard';
import type { RgbFloat } from '../../../electron/engine/image/types';

// (parity of tonemapReinhardDevlin with cv2.TonemapReinhard is in debevec.test.ts)

function ramp(): RgbFloat {
  const w = 64;
  const data = new Float32Array(w * 3);
  for (let x = 0; x < w; x++) {
    const v = 2 ** (x / 4 - 6); // 1/64 .. ~40: 12 stops
    data.set([v, v * 0.8, v * 0.5], x * 3);
  }
  return { width: w, height: 1, data };
}

test('Reinhard-Devlin output spans 0..1 and keeps order', () => {
  const out = tonemapReinhardDevlin(ramp(), { gamma: 1.5, lightAdapt: 0 });
  const g = Array.from({ length: 64 }, (_, x) => out.data[x * 3 + 1]);
  for (let i = 1; i < g.length; i++) assert.ok(g[i] >= g[i - 1]);
  assert.ok(Math.min(...out.data) >= 0 && Math.abs(Math.max(...out.data) - 1) < 1e-6);
});

test('Reinhard 2002 global: middle grey maps near the key, white point maps to 1', () => {
  const img = ramp();
  const out = tonemapReinhardGlobal(img);
  const g = Array.from({ length: 64 }, (_, x) => out.data[x * 3]);
  for (let i = 1; i < g.length; i++) assert.ok(g[i] >= g[i - 1]);
  // the brightest pixel is the white point: its luminance maps to 1 (sRGB 1)
  const lum = (j: number) => 0.2126 * out.data[j] + 0.7152 * out.data[j + 1] + 0.0722 * out.data[j + 2];
  assert.ok(lum(63 * 3) > 0.9);
  const flat = { width: 2, height: 1, data: new Float32Array(6).fill(3) };
  const f = tonemapReinhardGlobal(flat, { white: 1e9 });
  // a uniform scene maps to the key 0.18 / (1 + 0.18) linear
  const expectLinear = 0.18 / 1.18;
  const srgb = 1.055 * expectLinear ** (1 / 2.4) - 0.055;
  assert.ok(Math.abs(f.data[0] - srgb) < 1e-4, `${f.data[0]} vs ${srgb}`);
});

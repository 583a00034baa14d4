// Reinhard & Devlin's tone map in its kernel (hdr/wasm/reinhard.ts, built by `npm run build`)
// against tonemapReinhardDevlinScalar, its JavaScript: every value equal bit for bit (the kernel's
// exp and log are fdlibm's, as Node 20's Math.exp and Math.log), over radiance spanning 24 stops
// with samples below the operator's 1e-6 floor, at several gammas, intensities and colour
// adaptations, in images longer than the kernel's chunk; with light adaptation the JavaScript runs.
import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { tonemapReinhardDevlin, tonemapReinhardDevlinScalar } from '../../../electron/engine/hdr/reinhard';
import { reinhardKernel } from '../../../electron/engine/hdr/reinhard-wasm';
import type { RgbFloat } from '../../../electron/engine/image/types';

function radiance(w: number, h: number, seed: number): RgbFloat {
  let s = seed >>> 0;
  const r = (): number => ((s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32);
  return { width: w, height: h, data: Float32Array.from({ length: w * h * 3 }, (_, i) => (i % 97 === 0 ? 1e-9 : i % 89 === 0 ? 0 : 2 ** (r() * 24 - 14))) };
}

test('the kernel is built and loads', () => {
  assert.ok(reinhardKernel(), 'dist/wasm/reinhard.wasm missing or not loadable: run npm run build');
});

test("without light adaptation the kernel's values are the JavaScript's", () => {
  for (const [w, h] of [[1, 1], [3, 1], [1, 4], [5000, 3], [211, 97]]) {
    const hdr = radiance(w, h, w + 7 * h);
    for (const o of [{ gamma: 1.5 }, { gamma: 1 }, { gamma: 2.2, intensity: 0.5 }, { gamma: 0.8, intensity: -1, colorAdapt: 0.3 }, { gamma: 1.5, colorAdapt: 1 }]) {
      const opts = { ...o, lightAdapt: 0 };
      const fast = tonemapReinhardDevlin(hdr, opts).data;
      const slow = tonemapReinhardDevlinScalar(hdr, opts).data;
      const at = fast.findIndex((v, i) => !Object.is(v, slow[i]));
      assert.equal(at, -1, `${w}x${h} ${JSON.stringify(opts)}: value ${at} is ${fast[at]}, the JavaScript's ${slow[at]}`);
    }
  }
});

test('a flat image (no range to map) and light adaptation give the JavaScript values too', () => {
  const flat = { width: 4, height: 2, data: new Float32Array(24).fill(0.25) };
  assert.deepEqual(tonemapReinhardDevlin(flat, { gamma: 1.5, lightAdapt: 0 }).data, tonemapReinhardDevlinScalar(flat, { gamma: 1.5, lightAdapt: 0 }).data);
  const hdr = radiance(50, 20, 5);
  const adapted = { gamma: 1.5, lightAdapt: 0.6, colorAdapt: 0.3 };
  assert.deepEqual(tonemapReinhardDevlin(hdr, adapted).data, tonemapReinhardDevlinScalar(hdr, adapted).data);
  assert.notDeepEqual(tonemapReinhardDevlin(hdr, adapted).data, tonemapReinhardDevlin(hdr, { gamma: 1.5, lightAdapt: 0 }).data);
});

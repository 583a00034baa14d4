// One band through the transform (curve-apply-band.ts), as each lane of the pool runs it. The
// calling thread's lane writes a band over its own rows when the photo is done in place: that
// must equal the band written into a buffer of its own, as a worker writes it, at every depth.
import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { applyBandRequest } from '../../../electron/engine/normalize/curve-apply-band';
import type { CurveTransform } from '../../../electron/engine/normalize/curve-apply';

function transform(): CurveTransform {
  const k = 8;
  const knots = Float32Array.from({ length: k }, (_, j) => (j / (k - 1)) ** 2);
  const curves = new Float32Array(2 * 3 * k);
  for (let c = 0; c < 6; c++) for (let j = 0; j < k; j++) curves[c * k + j] = Math.min(1.1, knots[j] ** (0.5 + 0.1 * c));
  return { gh: 2, gw: 3, knots, curves, wb: [1.04, 1, 0.95], sat: 1.1, satDark: 0.7, dark: 0.05, wbDark: [1.04, 1, 0.95], darkWb: 0.1 };
}

const width = 29;
const rows = 11;

for (const [name, max] of [['8-bit', 255], ['16-bit', 65535], ['float', 1]] as const) {
  test(`${name}: a band written over its own rows equals the band written elsewhere`, () => {
    const n = width * rows * 3;
    let s = 5;
    const values = Array.from({ length: n }, () => {
      s = (s * 1103515245 + 12345) >>> 0;
      return ((s >>> 8) % 1000) / 999;
    });
    const make = () => (max === 255 ? new Uint8Array(n) : max === 65535 ? new Uint16Array(n) : new Float32Array(n));
    const band = make();
    for (let i = 0; i < n; i++) band[i] = max === 1 ? values[i] : Math.round(values[i] * max);
    const req = { width, y0: 40, y1: 40 + rows, above: 0, smooth: false, t: transform(), io: { inMax: max, outMax: max, height: 100, strength: 0.9 } };
    const apart = make();
    applyBandRequest({ ...req, band, out: apart });
    const before = band.slice();
    applyBandRequest({ ...req, band, out: band });
    assert.notDeepEqual(apart, before, 'the transform changes the band');
    assert.deepEqual(band, apart);
  });
}

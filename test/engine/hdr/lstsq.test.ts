import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lstsq } from '../../../electron/engine/hdr/lstsq';

test('solves an exactly determined system', () => {
  const A = Float64Array.from([2, 1, 1, 3]);
  const x = lstsq(A, Float64Array.from([3, 5]), 2, 2);
  assert.ok(Math.abs(x[0] - 0.8) < 1e-12 && Math.abs(x[1] - 1.4) < 1e-12, String(x));
});

test('least squares line fit matches the closed form', () => {
  const xs = [0, 1, 2, 3, 4, 5];
  const ys = [1.1, 2.9, 5.2, 7.1, 8.8, 11.2];
  const A = new Float64Array(xs.length * 2);
  xs.forEach((x, i) => {
    A[i * 2] = x;
    A[i * 2 + 1] = 1;
  });
  const [slope, icept] = lstsq(A, Float64Array.from(ys), xs.length, 2);
  const n = xs.length, sx = xs.reduce((a, b) => a + b), sy = ys.reduce((a, b) => a + b);
  const sxy = xs.reduce((a, x, i) => a + x * ys[i], 0), sxx = xs.reduce((a, x) => a + x * x, 0);
  const m = (n * sxy - sx * sy) / (n * sxx - sx * sx);
  assert.ok(Math.abs(slope - m) < 1e-12);
  assert.ok(Math.abs(icept - (sy - m * sx) / n) < 1e-12);
});

test('rejects rank-deficient and underdetermined systems', () => {
  assert.throws(() => lstsq(Float64Array.from([1, 2, 2, 4, 3, 6]), Float64Array.from([1, 2, 3]), 3, 2), /rank deficient/);
  assert.throws(() => lstsq(Float64Array.from([1, 2]), Float64Array.from([1]), 1, 2), /underdetermined/);
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { addPyrUp, collapseLaplacian, gaussianPyramid, pyrDown, pyrDownRows, pyrUp, toLaplacian } from '../../../electron/engine/hdr/pyramid';
import { tmpDir } from '../../helpers/paths';

const PY = `
import sys, numpy as np, cv2
d = sys.argv[1]
for spec in sys.argv[2:]:
    w, h = map(int, spec.split('x'))
    a = np.fromfile(f'{d}/a_{spec}.f32', dtype='<f4').reshape(h, w, 3)
    cv2.pyrDown(a).astype('<f4').tofile(f'{d}/down_{spec}.f32')
    cv2.pyrUp(a).astype('<f4').tofile(f'{d}/up_{spec}.f32')
    cv2.pyrUp(a, dstsize=(2 * w - 1, 2 * h - 1)).astype('<f4').tofile(f'{d}/upodd_{spec}.f32')
`;

test('pyrDown / pyrUp match OpenCV to float rounding, odd sizes and 1-pixel levels included', () => {
  const dir = tmpDir();
  const sizes = [[37, 23], [40, 30], [5, 3], [1, 1], [2, 1], [1, 6]];
  let seed = 7;
  const inputs = sizes.map(([w, h]) => {
    const data = new Float32Array(w * h * 3).map(() => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32));
    writeFileSync(join(dir, `a_${w}x${h}.f32`), Buffer.from(data.buffer));
    return { width: w, height: h, channels: 3, data };
  });
  const r = spawnSync('/usr/bin/python3', ['-c', PY, dir, ...sizes.map(([w, h]) => `${w}x${h}`)], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const read = (n: string) => {
    const b = readFileSync(join(dir, n));
    return new Float32Array(b.buffer, b.byteOffset, b.byteLength / 4);
  };
  for (const a of inputs) {
    const spec = `${a.width}x${a.height}`;
    const cases: Array<[string, Float32Array]> = [
      ['down', pyrDown(a).data],
      ['up', pyrUp(a).data],
      ['upodd', pyrUp(a, 2 * a.width - 1, 2 * a.height - 1).data],
    ];
    for (const [name, ours] of cases) {
      const theirs = read(`${name}_${spec}.f32`);
      assert.equal(ours.length, theirs.length, `${name} ${spec} size`);
      let m = 0;
      for (let i = 0; i < ours.length; i++) m = Math.max(m, Math.abs(ours[i] - theirs[i]));
      assert.ok(m < 1e-6, `${name} ${spec}: max diff ${m}`);
    }
  }
});

test('Laplacian pyramid collapses back to the input', () => {
  const w = 45, h = 31;
  const data = new Float32Array(w * h).map((_, i) => Math.sin(i / 7) * 0.5 + 0.5);
  const pyr = toLaplacian(gaussianPyramid({ width: w, height: h, channels: 1, data: Float32Array.from(data) }, 4));
  const back = collapseLaplacian(pyr).data;
  let m = 0;
  for (let i = 0; i < data.length; i++) m = Math.max(m, Math.abs(back[i] - data[i]));
  assert.ok(m < 1e-6, String(m));
  assert.throws(() => pyrUp({ width: 4, height: 4, channels: 1, data: new Float32Array(16) }, 10, 8), /cannot go/);
});

test('the row-at-a-time kernels give the whole-plane results bit for bit, and reused buffers change nothing', () => {
  let seed = 11;
  const rnd = (): number => (seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32;
  const same = (a: Float32Array, b: Float32Array, what: string): void => {
    assert.equal(a.length, b.length, what);
    for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) assert.fail(`${what}: value ${i} is ${a[i]}, not ${b[i]}`);
  };
  for (const [w, h, cn] of [[37, 23, 3], [40, 30, 1], [5, 3, 3], [1, 1, 1], [2, 7, 3]]) {
    const plane = { width: w, height: h, channels: cn, data: new Float32Array(w * h * cn).map(rnd) };
    const name = `${w}x${h}x${cn}`;
    // pyrDown from rows handed out in a buffer that the next row overwrites, as a raster's are
    const scratch = new Float32Array(w * cn);
    const down = pyrDownRows((y) => scratch.map((_, x) => plane.data[y * w * cn + x]), w, h, cn);
    same(down.data, pyrDown(plane).data, `pyrDownRows ${name}`);
    // dst += pyrUp(src), row by row
    const small = pyrDown(plane);
    const dst = { ...plane, data: new Float32Array(plane.data.length).map(rnd) };
    const expected = Float32Array.from(dst.data);
    const up = pyrUp(small, w, h).data;
    for (let i = 0; i < expected.length; i++) expected[i] += up[i];
    addPyrUp(dst, small);
    same(dst.data, expected, `addPyrUp ${name}`);
    // a pyramid built in another's buffers equals a fresh one
    const fresh = gaussianPyramid(plane, 3);
    const other = gaussianPyramid({ ...plane, data: new Float32Array(plane.data.length).map(rnd) }, 3);
    const reused = gaussianPyramid(plane, 3, other);
    for (let l = 1; l <= 3; l++) {
      same(reused[l].data, fresh[l].data, `level ${l} ${name}`);
      assert.equal(reused[l].data.buffer, other[l].data.buffer, `level ${l} ${name} reuses its buffer`);
    }
  }
});

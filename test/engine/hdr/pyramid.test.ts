import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { collapseLaplacian, gaussianPyramid, pyrDown, pyrUp, toLaplacian } from '../../../electron/engine/hdr/pyramid';
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

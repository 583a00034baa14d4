// simd.ts: a kernel that is not there is undefined (the callers keep their JavaScript loop),
// the built ones load, and a layout is 16-byte aligned, in order, and fits the grown memory.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadSimd, SIMD_KERNELS } from '../../../electron/engine/normalize/simd';

test('a kernel that was not built is undefined, not an error', () => {
  assert.equal(loadSimd('no-such-kernel'), undefined);
});

test('layouts are aligned, ordered and inside the memory', () => {
  for (const name of SIMD_KERNELS) {
    const m = loadSimd(name);
    assert.ok(m, `${name}.wasm missing or not loadable: run npm run build`);
    const sizes = [3, 17, 200_000, 1];
    const at = m.layout(sizes);
    at.forEach((o, i) => {
      assert.equal(o % 16, 0, `${name}: block ${i} at ${o}`);
      if (i) assert.ok(o >= at[i - 1] + sizes[i - 1], `${name}: block ${i} overlaps the one before`);
    });
    assert.ok(m.buffer.byteLength >= at[3] + sizes[3], `${name}: memory not grown to fit`);
  }
});

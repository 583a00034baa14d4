import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadModel } from '../../../electron/engine/model/session';
import { makeTestModel } from '../../helpers/onnx-models';

test('context + tile graphs run for real through ONNX Runtime, batched', async () => {
  const s = await loadModel(makeTestModel({ target: 0.45 }), { provider: 'cpu' });
  try {
    assert.equal(s.provider, 'cpu');
    assert.equal(s.hasContext, true);
    const thumb = new Float32Array(3 * 224 * 224).fill(0.15);
    const ctx = await s.runContext(thumb);
    assert.equal(ctx.length, 2);
    assert.ok(Math.abs(ctx[0] - Math.log(3)) < 1e-3, `gain ${ctx[0]}`);
    const n = 3;
    const batch = new Float32Array(n * 3 * 224 * 224);
    for (let i = 0; i < batch.length; i++) batch[i] = (i % 7) / 20;
    const out = await s.runTiles(batch, n, 224, 224, ctx);
    assert.equal(out.length, batch.length);
    for (let i = 0; i < batch.length; i += 997) assert.ok(Math.abs(out[i] - Math.min(1, batch[i] * 3)) < 1e-3, `${out[i]}`);
  } finally {
    await s.release();
  }
});

test('a tile-only model needs no context', async () => {
  const s = await loadModel(makeTestModel({ noContext: true }), { provider: 'cpu' });
  assert.equal(s.hasContext, false);
  const out = await s.runTiles(new Float32Array(3 * 16 * 16).fill(1), 1, 16, 16);
  assert.ok(Math.abs(out[5] - 0.75) < 1e-6);
  await s.release();
});

test('an unavailable provider falls back to CPU and says why', async () => {
  const s = await loadModel(makeTestModel(), { provider: 'cuda' });
  assert.equal(s.provider, 'cpu');
  assert.match(s.providerNote, /cuda failed to initialise.*using cpu/);
  await s.release();
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadModel, loadModelInWorker } from '../../../electron/engine/model/session';
import { makeTestModel } from '../../helpers/onnx-models';
import { tmpDir } from '../../helpers/paths';

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
  // a provider this platform's binding never has (CUDA may well be installed on a CI runner)
  const absent = process.platform === 'darwin' ? 'dml' : 'coreml';
  const s = await loadModel(makeTestModel(), { provider: absent });
  assert.equal(s.provider, 'cpu');
  assert.match(s.providerNote, new RegExp(`${absent} failed to initialise.*using cpu`));
  await s.release();
});

test('the worker-thread session gives the same results as the in-thread one', async () => {
  const dir = makeTestModel();
  const s = await loadModelInWorker(dir, { provider: 'cpu' });
  const local = await loadModel(dir, { provider: 'cpu' });
  try {
    assert.equal(s.provider, 'cpu');
    assert.equal(s.hasContext, true);
    const thumb = new Float32Array(3 * 224 * 224).fill(0.3);
    const [c1, c2] = await Promise.all([s.runContext(thumb), local.runContext(thumb)]);
    assert.deepEqual(Array.from(c1), Array.from(c2));
    const n = 24;
    const batch = new Float32Array(n * 3 * 224 * 224).map((_, i) => (i % 97) / 100);
    const a = await s.runTiles(batch, n, 224, 224, c1);
    const b = await local.runTiles(batch, n, 224, 224, c1);
    assert.deepEqual(a, b);
    assert.equal(batch[5], Math.fround(5 / 100), 'the caller keeps its input array');
  } finally {
    await s.release();
    await local.release();
  }
  await assert.rejects(loadModelInWorker(tmpDir()), /manifest\.json: no model manifest/);
});

// Parity of the shipped ONNX graphs (ONNX Runtime from Node) with the PyTorch checkpoints
// they were exported from: models/training/parity_dump.py runs the checkpoints on fixed
// seeded inputs; every output here must match within 1e-4. The shipped network's own
// transform on a dark frame also goes through the TypeScript applier and its PyTorch twin.
import { strict as assert } from 'node:assert';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import * as ort from 'onnxruntime-node';
import { applyTransformRows, transformFromOutputs } from '../../electron/engine/normalize/curve-apply';
import { repoRoot, tmpDir } from '../helpers/paths';
import { interleave, readF32, runParityDump } from '../helpers/tensor-dump';

const modelsDir = join(repoRoot, 'models');

interface ManifestEntry {
  name: string;
  files: { context?: string; tile?: string; transform?: string };
}

test('shipped ONNX graphs match the PyTorch checkpoints (max abs diff <= 1e-4)', { timeout: 240_000 }, async () => {
  const manifest = JSON.parse(readFileSync(join(modelsDir, 'manifest.json'), 'utf8')) as { models: ManifestEntry[] };
  assert.equal(manifest.models[0].name, 'evenlight', 'the evenlight model comes first in manifest.models');
  const out = tmpDir('evenlight-parity-');
  try {
    const cases = runParityDump(out, false);
    const names = new Set(cases.map((c) => c.model));
    for (const m of manifest.models) assert.ok(names.has(m.name), `parity_dump.py covers ${m.name}`);
    assert.ok(cases.some((c) => c.model === 'applier' && c.graph === 'shipped'), 'the shipped transform through the applier is covered');

    for (const c of cases) {
      if (c.model === 'cast' || c.model === 'shadow' || c.model === 'lights' || c.model === 'virtual') continue; // training-cast, shadow-smooth, meter-lights, virtual-bracket tests
      if (c.model === 'applier') {
        if (c.graph !== 'shipped') continue; // the synthetic cases belong to curve-apply.test.ts
        const [, , h, w] = c.inputs.rgb.shape;
        const [, , gh, gw] = c.inputs.curves.shape;
        const t = transformFromOutputs(readF32(out, c.inputs.curves), readF32(out, c.inputs.color), readF32(out, c.inputs.knots), gh, gw);
        const rgb = interleave(readF32(out, c.inputs.rgb), h, w);
        const want = interleave(readF32(out, c.outputs.output), h, w);
        const got = new Float32Array(rgb.length);
        applyTransformRows(rgb, got, w, 0, h, t, { inMax: 1, outMax: 1, height: h });
        let maxDiff = 0;
        for (let i = 0; i < got.length; i++) maxDiff = Math.max(maxDiff, Math.abs(got[i] - want[i]));
        assert.ok(maxDiff <= 1e-4, `shipped transform, TS applier vs PyTorch twin: max abs diff ${maxDiff}`);
        continue;
      }
      const entry = manifest.models.find((m) => m.name === c.model);
      assert.ok(entry, `manifest lists ${c.model}`);
      const file = c.graph === 'context' ? entry.files.context : c.graph === 'transform' ? entry.files.transform : entry.files.tile;
      assert.ok(file && existsSync(join(modelsDir, file)), `${c.model} ${c.graph}: ONNX file ${file} exists`);
      const session = await ort.InferenceSession.create(join(modelsDir, file), { intraOpNumThreads: 2 });
      const feeds: Record<string, ort.Tensor> = {};
      for (const [name, ref] of Object.entries(c.inputs)) feeds[name] = new ort.Tensor('float32', readF32(out, ref), ref.shape);
      const res = await session.run(feeds);
      for (const [name, ref] of Object.entries(c.outputs)) {
        const want = readF32(out, ref);
        const got = res[name];
        assert.ok(got, `${c.model} ${c.graph}: output ${name} present`);
        assert.deepEqual([...got.dims], ref.shape, `${c.model} ${c.graph}: output shape`);
        const data = got.data as Float32Array;
        let maxDiff = 0;
        for (let i = 0; i < want.length; i++) maxDiff = Math.max(maxDiff, Math.abs(data[i] - want[i]));
        assert.ok(maxDiff <= 1e-4, `${c.model} ${c.graph}: max abs diff ${maxDiff} > 1e-4`);
        // the outputs must not be trivial (a constant graph would match a constant dump)
        let min = Infinity;
        let max = -Infinity;
        for (const v of want) {
          min = Math.min(min, v);
          max = Math.max(max, v);
        }
        assert.ok(max - min > 1e-3, `${c.model} ${c.graph}: output varies`);
      }
      await session.release();
    }
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});

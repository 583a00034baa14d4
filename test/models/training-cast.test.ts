// The training loss's colour-cast term (models/training/train.py `cast`) must measure what
// `evenlight eval` reports (electron/engine/metrics/cast.ts): otherwise the model is trained
// against one cast and scored against another.
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { colourCast } from '../../electron/engine/metrics/cast';
import { repoRoot, tmpDir } from '../helpers/paths';
import { interleave, readCases, readF32 } from '../helpers/tensor-dump';

test('the training cast term equals the eval cast metric on the same 8-bit images', { timeout: 180_000 }, () => {
  const out = tmpDir('evenlight-cast-');
  try {
    const r = spawnSync('/usr/bin/python3', [join(repoRoot, 'models', 'training', 'parity_dump.py'), out, '--applier-only'], { encoding: 'utf8', timeout: 150_000 });
    assert.equal(r.status, 0, `parity_dump.py failed: ${r.stderr}`);
    const c = readCases(out).find((x) => x.model === 'cast');
    assert.ok(c, 'parity_dump.py dumps the cast case');
    const [, , h, w] = c.inputs.output.shape;
    const image = (name: 'output' | 'target') => ({ width: w, height: h, data: interleave(readF32(out, c.inputs[name]), h, w) });
    const want = readF32(out, c.outputs.cast)[0];
    const got = colourCast(image('output'), image('target'));
    assert.ok(got.n > 100, `the target has near-neutral mid-tones (${got.n})`);
    assert.ok(got.cast > 1, `the tint is a visible cast (${got.cast})`);
    assert.ok(Math.abs(got.cast - want) <= 0.02, `train.py cast ${want} vs eval cast ${got.cast}`);
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});

// The training loss's colour-cast and log-MSE terms (models/training/train.py `cast`,
// `log_mse`) must measure what `evenlight eval` reports (electron/engine/metrics/): otherwise
// the model is trained against one figure and scored against another.
import { strict as assert } from 'node:assert';
import { rmSync } from 'node:fs';
import { test } from 'node:test';
import { colourCast } from '../../electron/engine/metrics/cast';
import { psnr } from '../../electron/engine/metrics/psnr';
import { tmpDir } from '../helpers/paths';
import { interleave, readF32, runParityDump } from '../helpers/tensor-dump';

test('the training cast and log-MSE terms equal the eval cast and PSNR on the same 8-bit images', { timeout: 180_000 }, () => {
  const out = tmpDir('evenlight-cast-');
  try {
    const c = runParityDump(out, true).find((x) => x.model === 'cast');
    assert.ok(c, 'parity_dump.py dumps the cast case');
    const [, , h, w] = c.inputs.output.shape;
    const image = (name: 'output' | 'target') => ({ width: w, height: h, data: interleave(readF32(out, c.inputs[name]), h, w) });
    const want = readF32(out, c.outputs.cast)[0];
    const got = colourCast(image('output'), image('target'));
    assert.ok(got.n > 100, `the target has near-neutral mid-tones (${got.n})`);
    assert.ok(got.cast > 1, `the tint is a visible cast (${got.cast})`);
    assert.ok(Math.abs(got.cast - want) <= 0.02, `train.py cast ${want} vs eval cast ${got.cast}`);
    // the log-MSE term is the eval's PSNR in other units: ln(10^(-PSNR/10) + 1e-4)
    const p = psnr(image('output'), image('target'));
    const logMse = readF32(out, c.outputs.log_mse)[0];
    assert.ok(p > 15 && p < 45, `a PSNR the term is sensitive to (${p})`);
    assert.ok(Math.abs(logMse - Math.log(10 ** (-p / 10) + 1e-4)) <= 1e-3, `train.py log_mse ${logMse} vs eval PSNR ${p} dB`);
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});

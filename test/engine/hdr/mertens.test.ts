import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mertensFuse, mertensMaxLevel } from '../../../electron/engine/hdr/mertens';
import { psnr } from '../../../electron/engine/metrics/psnr';
import { prepareBracket, runOpenCv } from '../../helpers/opencv-ref';

// odd widths/heights on purpose: they exercise pyrDown/pyrUp's border and odd-size rules
for (const [scene, width] of [['rawio_canon70d_kitchen', 481], ['rawio_canon5d3_foyer', 397], ['mertens_house', 375]] as const) {
  test(`Mertens fusion matches cv2.createMergeMertens on ${scene} (>= 35 dB)`, async () => {
    const b = await prepareBracket(scene, width);
    const ref = runOpenCv(b, ['mertens', 'mertens-default']);
    // weights (1,1,1) = our default; OpenCV's own default is exposure_weight 0
    for (const [name, exposure] of [['mertens', 1], ['mertens-default', 0]] as const) {
      const ours = mertensFuse(b.images, { exposure });
      const theirs = { width: ref.meta.width, height: ref.meta.height, data: ref.read(name) };
      assert.equal(ours.width, theirs.width);
      assert.equal(ours.height, theirs.height);
      const dbFloat = psnr(ours, theirs, 1);
      const db8 = psnr(ours, theirs);
      assert.ok(dbFloat >= 35, `${name} float PSNR ${dbFloat.toFixed(2)} dB`);
      assert.ok(db8 >= 35, `${name} 8-bit PSNR ${db8.toFixed(2)} dB`);
      console.log(`${scene} ${name}: float PSNR ${dbFloat.toFixed(1)} dB, 8-bit ${db8.toFixed(1)} dB`);
    }
  });
}

test('Mertens keeps a single frame (weights normalise to 1) and rejects mixed sizes', () => {
  const w = 33, h = 20;
  const data = new Float32Array(w * h * 3);
  for (let i = 0; i < data.length; i++) data[i] = ((i * 37) % 101) / 100;
  const out = mertensFuse([{ width: w, height: h, data }]);
  let maxErr = 0;
  for (let i = 0; i < data.length; i++) maxErr = Math.max(maxErr, Math.abs(out.data[i] - data[i]));
  assert.ok(maxErr < 1e-5, `max error ${maxErr}`);
  assert.equal(mertensMaxLevel(512, 700), 9);
  assert.throws(() => mertensFuse([{ width: w, height: h, data }, { width: w, height: h + 1, data: new Float32Array(w * (h + 1) * 3) }]), /differs/);
});

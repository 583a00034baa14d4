import { test } from 'node:test';
import assert from 'node:assert/strict';
import { alignMTB, calculateShift, gray8, shiftImage } from '../../../electron/engine/hdr/align-mtb';
import { prepareBracket, runOpenCv } from '../../helpers/opencv-ref';

test('MTB shifts are identical to cv2.AlignMTB on a hand-held bracket (rawio_d800_align)', async () => {
  const b = await prepareBracket('rawio_d800_align', 1472);
  const ref = runOpenCv(b, ['mtb']);
  const { shifts, images } = alignMTB(b.images);
  assert.deepEqual(shifts.map((s) => [s.x, s.y]), ref.meta.shifts);
  // the set is not aligned: some frame must actually move
  assert.ok(shifts.some((s) => s.x !== 0 || s.y !== 0), JSON.stringify(shifts));
  // cut = true crops every frame to the common area
  const dx = Math.max(0, ...shifts.map((s) => s.x)) - Math.min(0, ...shifts.map((s) => s.x));
  assert.equal(images[0].width, b.images[0].width - dx);
  console.log('d800_align shifts', JSON.stringify(shifts));
});

test('MTB shifts are identical to cv2.AlignMTB on an aerial bracket (rawio_dji_aerial_1, odd size)', async () => {
  const b = await prepareBracket('rawio_dji_aerial_1', 1279);
  const ref = runOpenCv(b, ['mtb']);
  assert.deepEqual(alignMTB(b.images).shifts.map((s) => [s.x, s.y]), ref.meta.shifts);
});

test('MTB recovers a known translation of a real frame, even across exposures', async () => {
  const b = await prepareBracket('rawio_canon5d3_foyer', 640);
  const [dark, mid] = [b.images[0], b.images[1]];
  for (const s of [{ x: 7, y: -3 }, { x: -12, y: 5 }]) {
    const moved = shiftImage(dark, s);
    // shift of `moved` relative to the mid frame must undo s
    assert.deepEqual(calculateShift(gray8(mid), gray8(moved)), { x: -s.x, y: -s.y });
  }
  const { shifts } = alignMTB([shiftImage(dark, { x: 4, y: 2 }), mid, b.images[2]]);
  assert.deepEqual(shifts[1], { x: 0, y: 0 });
  assert.deepEqual(shifts[0], { x: -4, y: -2 });
});

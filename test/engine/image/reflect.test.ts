import { test } from 'node:test';
import assert from 'node:assert/strict';
import { reflect101 } from '../../../electron/engine/image/reflect';

test('reflect101 mirrors without repeating the edge pixel, for any n (OpenCV BORDER_REFLECT_101)', () => {
  assert.deepEqual([-3, -2, -1, 0, 1, 2, 3, 4, 5].map((i) => reflect101(i, 4)), [3, 2, 1, 0, 1, 2, 3, 2, 1]);
  assert.deepEqual([-5, -1, 0, 7].map((i) => reflect101(i, 1)), [0, 0, 0, 0]);
  assert.deepEqual([-1, 2, 3].map((i) => reflect101(i, 2)), [1, 0, 1]);
  assert.equal(reflect101(-2, 5), 2);
  assert.equal(reflect101(6, 5), 2);
  assert.equal(reflect101(-13, 5), 3); // overshoot of more than one period
});

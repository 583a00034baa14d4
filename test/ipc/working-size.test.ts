import { test } from 'node:test';
import assert from 'node:assert/strict';
import { workingSize } from '../../electron/ipc/working-size';

test('workingSize keeps small photos and fits the long side', () => {
  assert.deepEqual(workingSize(800, 600, 2048), { width: 800, height: 600 });
  assert.deepEqual(workingSize(6000, 4000, 2048), { width: 2048, height: 1365 });
  assert.deepEqual(workingSize(4000, 6000, 2048), { width: 1365, height: 2048 });
  assert.deepEqual(workingSize(6000, 4000, 0), { width: 6000, height: 4000 });
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isInside } from '../../electron/engine/path-inside';

test('isInside: containment by path segments, not string prefix', () => {
  assert.equal(isInside('/a/b', '/a/b'), true);
  assert.equal(isInside('/a/b', '/a/b/c.jpg'), true);
  assert.equal(isInside('/a/b', '/a/bc/d.jpg'), false);
  assert.equal(isInside('/a/b', '/a'), false);
  assert.equal(isInside('/a/b', '/a/b/../c'), false);
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { commandNames, commands, Roi } from '../../electron/common/contract';
import { handlers } from '../../electron/ipc/commands';
import { repoRoot } from '../helpers/paths';

test('every contract command has exactly one handler', () => {
  assert.deepEqual(Object.keys(handlers).sort(), [...commandNames].sort());
});

test('the contract stays browser-safe: it imports nothing but zod and its common/ siblings', () => {
  const src = readFileSync(join(repoRoot, 'electron', 'common', 'contract.ts'), 'utf8');
  const imports = [...src.matchAll(/from\s+['"]([^'"]+)['"]/g)].map((m) => m[1]);
  assert.deepEqual(imports.filter((i) => !/^\.\/[\w-]+$/.test(i)), ['zod']);
});

test('ROIs: normalised coordinates, default feather, bounded brush', () => {
  assert.equal(Roi.parse({ kind: 'rect', x: 0.1, y: 0.1, w: 0.5, h: 0.5 }).feather, 0.02);
  assert.equal(Roi.safeParse({ kind: 'rect', x: 1.5, y: 0, w: 0.1, h: 0.1 }).success, false);
  assert.equal(Roi.safeParse({ kind: 'brush', points: [], radius: 0.1 }).success, false);
  assert.equal(Roi.safeParse({ kind: 'lasso', points: [[0, 0]] }).success, false);
});

test('job ids cannot smuggle odd characters; defaults fill optional fields', () => {
  const n = commands.normalize.request;
  assert.equal(n.safeParse({ jobId: '../x', path: '/a.jpg', mode: 'ai' }).success, false);
  const ok = n.parse({ jobId: 'j1', path: '/a.jpg', mode: 'classic' });
  assert.deepEqual([ok.strength, ok.shadowColour, ok.rois, ok.maxSide], [1, 0, [], 2048]);
  assert.equal(n.safeParse({ jobId: 'j1', path: '/a.jpg', mode: 'classic', strength: 2 }).success, false);
  assert.equal(n.safeParse({ jobId: 'j1', path: '/a.jpg', mode: 'ai', shadowColour: 1.01 }).success, false);
  for (const c of ['exportPhoto', 'batchStart'] as const) assert.equal(commands[c].request.shape.shadowColour.parse(undefined), 0, `${c}: the model's shadow colour by default`);
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { findManifest, readManifest } from '../../../electron/engine/model/manifest';
import { makeTestModel } from '../../helpers/onnx-models';
import { tmpDir } from '../../helpers/paths';

test('reads a generated manifest with contract defaults filled in', () => {
  const dir = makeTestModel();
  const m = readManifest(dir);
  assert.equal(m.tile?.file, 'tile.onnx');
  assert.equal(m.tile?.size, 224);
  assert.equal(m.tile?.inputs.tile, 'tile');
  assert.equal(m.tile?.output, 'output');
  assert.equal(m.context?.input, 'thumb');
  assert.equal(m.context?.dim, 2);
});

test('string shorthand and extra keys are accepted', () => {
  const dir = makeTestModel({ noContext: true });
  writeFileSync(join(dir, 'manifest.json'), JSON.stringify({ name: 'x', tile: 'tile.onnx', metrics: { psnr: 1 } }));
  const m = readManifest(dir);
  assert.equal(m.tile?.file, 'tile.onnx');
  assert.equal(m.context, undefined);
});

test('broken manifests fail with one line naming the file and the field', () => {
  const dir = tmpDir();
  assert.equal(findManifest(dir), undefined);
  assert.throws(() => readManifest(dir), /manifest\.json: no model manifest/);
  writeFileSync(join(dir, 'manifest.json'), '{ nope');
  assert.throws(() => readManifest(dir), /manifest\.json: manifest is not valid JSON/);
  writeFileSync(join(dir, 'manifest.json'), JSON.stringify({ name: 'x', tile: { file: '../evil.onnx' } }));
  assert.throws(() => readManifest(dir), /invalid manifest: tile\.file/);
  writeFileSync(join(dir, 'manifest.json'), JSON.stringify({ name: 'x', tile: { file: 'missing.onnx' } }));
  assert.throws(() => readManifest(dir), (e: Error) => /missing\.onnx: model file listed in manifest\.json is missing/.test(e.message) && !e.message.includes('\n'));
});

// The README: "`ai` is the default of `normalize` and `batch` whenever models/manifest.json
// loads; otherwise `classic`, with a warning." Checked through the compiled CLI with no
// model, a broken manifest, a working model, and an explicit --mode.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeBatchFolder } from '../helpers/batch-fixtures';
import { makeTestModel } from '../helpers/onnx-models';
import { cliPath, tmpDir } from '../helpers/paths';

const noModel = tmpDir('evenlight-nomodel-');
const broken = tmpDir('evenlight-badmodel-');
writeFileSync(join(broken, 'manifest.json'), '{ "name": "x", ');
after(() => {
  rmSync(noModel, { recursive: true, force: true });
  rmSync(broken, { recursive: true, force: true });
});

const cli = (args: string[], modelDir: string) =>
  spawnSync(process.execPath, [cliPath, ...args], { encoding: 'utf8', env: { ...process.env, EVENLIGHT_MODEL_DIR: modelDir } });

test('normalize without --mode and without a model: classic, with one warning line saying why', async () => {
  const fx = await makeBatchFolder({ count: 1, bad: false });
  const r = cli(['normalize', fx.good[0], '-o', join(tmpDir(), 'a.jpg'), '--json'], noModel);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(JSON.parse(r.stdout).report.mode, 'classic');
  assert.deepEqual(r.stderr.trim().split('\n'), [`evenlight normalize: warning: ${join(noModel, 'manifest.json')}: no model manifest here; using classic`]);
  const b = cli(['normalize', fx.good[0], '-o', join(tmpDir(), 'b.jpg')], broken);
  assert.equal(b.status, 0, b.stderr);
  assert.match(b.stderr, /^evenlight normalize: warning: .*manifest\.json: manifest is not valid JSON.*; using classic\n$/);
});

test('normalize without --mode and with a model: ai, no warning; an explicit --mode classic warns about nothing', async () => {
  const fx = await makeBatchFolder({ count: 1, bad: false });
  const model = makeTestModel();
  const r = cli(['normalize', fx.good[0], '-o', join(tmpDir(), 'a.png'), '--json'], model);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(JSON.parse(r.stdout).report.mode, 'ai');
  assert.doesNotMatch(r.stderr, /warning/);
  const c = cli(['normalize', fx.good[0], '-o', join(tmpDir(), 'c.png'), '--mode', 'classic'], noModel);
  assert.equal(c.status, 0, c.stderr);
  assert.equal(c.stderr, '');
});

test('batch without --mode and without a model: classic, with the warning once', async () => {
  const fx = await makeBatchFolder({ count: 2, bad: false });
  const r = cli(['batch', fx.dir, '-o', join(tmpDir(), 'out'), '--json'], noModel);
  assert.equal(r.status, 0, r.stderr);
  const warnings = r.stderr.split('\n').filter((l) => l.includes('warning'));
  assert.deepEqual(warnings, [`evenlight batch: warning: ${join(noModel, 'manifest.json')}: no model manifest here; using classic`]);
  const withModel = cli(['batch', fx.dir, '-o', join(tmpDir(), 'out2'), '--json'], makeTestModel());
  assert.equal(withModel.status, 0, withModel.stderr);
  assert.doesNotMatch(withModel.stderr, /warning/);
});

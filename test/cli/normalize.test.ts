// Spawns the compiled CLI (npm test builds dist/ first).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { makeBatchFolder } from '../helpers/batch-fixtures';
import { makeTestModel } from '../helpers/onnx-models';
import { cliPath, tmpDir } from '../helpers/paths';

const noModel = tmpDir('evenlight-nomodel-');
const cli = (args: string[], env: Record<string, string> = {}) =>
  spawnSync(process.execPath, [cliPath, ...args], { encoding: 'utf8', env: { ...process.env, EVENLIGHT_MODEL_DIR: noModel, ...env } });

test('normalize writes a brighter photo of the same size; format follows the input or --format', async () => {
  const fx = await makeBatchFolder({ count: 2, bad: false });
  const src = fx.good[0];
  const h = createHash('sha256').update(readFileSync(src)).digest('hex');
  const out = join(tmpDir(), 'a.jpg');
  const r = cli(['normalize', src, '-o', out]);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /classic \+\d/);
  const [a, b] = await Promise.all([sharp(src).stats(), sharp(out).stats()]);
  assert.ok(b.channels[1].mean > a.channels[1].mean + 20, `brighter: ${a.channels[1].mean} -> ${b.channels[1].mean}`);
  assert.equal(createHash('sha256').update(readFileSync(src)).digest('hex'), h, 'original untouched');
  const small = join(tmpDir(), 'small.jpg');
  assert.equal(cli(['normalize', src, '-o', small, '--optimize-jpeg']).status, 0);
  assert.ok((await sharp(small).raw().toBuffer()).equals(await sharp(out).raw().toBuffer()), '--optimize-jpeg: the same pixels');
  assert.ok(readFileSync(small).length < readFileSync(out).length, '--optimize-jpeg: a smaller file');

  const dir = tmpDir();
  const j = cli(['normalize', fx.good[1], '-o', dir, '--format', 'tiff16', '--json', '--strength', '0.5', '--shadow-colour', '0.25', '--roi', '10,10,50,50']);
  assert.equal(j.status, 0, j.stderr);
  const res = JSON.parse(j.stdout);
  assert.equal(res.status, 'done');
  assert.equal(res.format, 'tiff16');
  assert.deepEqual([res.report.strength, res.report.shadowColour], [0.5, 0.25]);
  assert.ok(res.output.endsWith('photo1.tif'));
  const m = await sharp(res.output).metadata();
  assert.equal(m.depth, 'ushort');
});

test('normalize --mode ai uses the model; without one it falls back with a warning', async () => {
  const fx = await makeBatchFolder({ count: 1, bad: false });
  const out = join(tmpDir(), 'ai.png');
  // EVENLIGHT_EP=cpu: the provider is the same with or without CUDA installed
  const r = cli(['normalize', fx.good[0], '-o', out, '--mode', 'ai', '--json'], { EVENLIGHT_MODEL_DIR: makeTestModel(), EVENLIGHT_EP: 'cpu' });
  assert.equal(r.status, 0, r.stderr);
  const res = JSON.parse(r.stdout);
  assert.equal(res.report.mode, 'ai');
  assert.equal(res.report.provider, 'cpu');
  const f = cli(['normalize', fx.good[0], '-o', join(tmpDir(), 'f.jpg'), '--mode', 'ai']);
  assert.equal(f.status, 0);
  assert.match(f.stderr, /warning: model not usable.*used classic/);
});

test('normalize exit codes: 1 for a bad file (one line naming it), 2 for usage errors', async () => {
  const fx = await makeBatchFolder({ count: 1 });
  // --mode given: without a model the default would add its warning line (test/cli/default-mode.test.ts)
  const bad = cli(['normalize', fx.bad[0], '-o', join(tmpDir(), 'x.jpg'), '--mode', 'classic']);
  assert.equal(bad.status, 1);
  assert.equal(bad.stderr.trim().split('\n').length, 1);
  assert.ok(bad.stderr.includes(fx.bad[0]), bad.stderr);
  const missing = cli(['normalize', '/nope/missing.jpg', '-o', join(tmpDir(), 'x.jpg')]);
  assert.equal(missing.status, 1);
  assert.match(missing.stderr, /missing\.jpg: file not found/);
  for (const args of [['--strength', '2'], ['--shadow-colour', '-0.1'], ['--shadow-colour', 'lots'], ['--mode', 'magic'], ['--roi', '1,2,3'], ['--format', 'gif'], ['--quality', '0']]) {
    const u = cli(['normalize', fx.good[0], '-o', join(tmpDir(), 'x.jpg'), ...args]);
    assert.equal(u.status, 2, `${args.join(' ')}: ${u.stderr}`);
  }
  assert.equal(cli(['normalize', fx.good[0]]).status, 2, '-o is required');
  const over = cli(['normalize', fx.good[0], '-o', fx.good[0]]);
  assert.equal(over.status, 1);
  assert.match(over.stderr, /overwrite the original/);
  assert.ok(existsSync(fx.good[0]));
});

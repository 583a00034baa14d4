// A new user's `npx evenlight …` must print nothing from npm itself, and `npm ci` must not
// run onnxruntime-node's CUDA download. Both go through the real npm on this machine.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../helpers/paths';

const npx = process.platform === 'win32' ? 'npx.cmd' : 'npx';
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

for (const args of [['--version'], ['info'], ['normalize', '--help']]) {
  test(`npx evenlight ${args.join(' ')} prints no npm warning`, () => {
    const r = spawnSync(npx, ['--no-install', 'evenlight', ...args], { cwd: repoRoot, encoding: 'utf8', timeout: 60_000 });
    assert.equal(r.status, 0, r.stderr);
    assert.doesNotMatch(r.stderr, /npm (warn|WARN|notice|error)/, r.stderr);
  });
}

test('npm ci skips onnxruntime-node install script (allowScripts deny) and reviews every other', () => {
  const pkg = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { allowScripts?: Record<string, boolean> };
  assert.equal(pkg.allowScripts?.['onnxruntime-node'], false);
  // npm's own view of the policy: nothing left that would run unreviewed (or warn on npm ci).
  const r = spawnSync(npm, ['install-scripts', 'ls'], { cwd: repoRoot, encoding: 'utf8', timeout: 60_000 });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /No packages with unreviewed install scripts/);
  assert.doesNotMatch(r.stderr, /npm warn/i, r.stderr);
});

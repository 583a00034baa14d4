import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { cliPath, tmpDir } from '../../helpers/paths';

test('evenlight eval on a folder with no bracket says so in one line and fails', () => {
  const dir = tmpDir('evenlight-eval-empty-');
  try {
    const r = spawnSync(process.execPath, [cliPath, 'eval', dir, '--methods', 'as-shot'], { encoding: 'utf8' });
    assert.equal(r.status, 1);
    const lines = r.stderr.trim().split('\n');
    assert.equal(lines.length, 1, r.stderr);
    assert.match(lines[0], /^evenlight eval: .*: no bracket to score \(a bracket is a folder of two or more photos, or a scene\.json/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

// The pack a lent GPU machine trains from (models/training/pack.py): only train and dev
// scenes, every one of them, each part within what one device call can carry.
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { dataDir, repoRoot } from '../helpers/paths';

function bytesUnder(dir: string): number {
  let n = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) n += e.isDirectory() ? bytesUnder(join(dir, e.name)) : statSync(join(dir, e.name)).size;
  return n;
}

test('the training pack holds every train and dev scene, no test or held-out scene, in parts under 50 MiB', { timeout: 180_000 }, () => {
  const out = mkdtempSync(join(tmpdir(), 'evenlight-pack-'));
  try {
    const r = spawnSync('/usr/bin/python3', [join(repoRoot, 'models', 'training', 'pack.py'), '--data', dataDir, '--out', out], { encoding: 'utf8', timeout: 170_000 });
    assert.equal(r.status, 0, `pack.py failed: ${r.stderr}`);
    const split = JSON.parse(readFileSync(join(repoRoot, 'models', 'training', 'split.json'), 'utf8')) as Record<string, string[]>;
    // a split key is a scene folder, or scene folder/file for a photo of a collection
    const present = (key: string): boolean => ['sice', 'rest'].some((part) => existsSync(join(out, part, key)));
    for (const key of [...split.test, ...split.heldout]) assert.ok(!present(key), `${key} must not leave this machine for training`);
    const missing = [...split.train, ...split.dev].filter((key) => !present(key) && existsSync(join(dataDir, key)));
    assert.deepEqual(missing, [], 'every train and dev scene is packed');
    for (const part of ['sice', 'rest']) {
      const mib = bytesUnder(join(out, part)) / 2 ** 20;
      assert.ok(mib < 50, `${part}: ${mib.toFixed(1)} MiB, over what one device call carries beside the repository`);
    }
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});

test('pack.py refuses to replace a folder that is not an earlier pack, and leaves it as it was', { timeout: 60_000 }, () => {
  const out = mkdtempSync(join(tmpdir(), 'evenlight-notpack-'));
  try {
    writeFileSync(join(out, 'keep.txt'), 'mine');
    const r = spawnSync('/usr/bin/python3', [join(repoRoot, 'models', 'training', 'pack.py'), '--data', dataDir, '--out', out], { encoding: 'utf8', timeout: 50_000 });
    assert.notEqual(r.status, 0);
    assert.match(r.stderr.trim(), /not a pack folder/);
    assert.deepEqual(readdirSync(out), ['keep.txt']);
    assert.equal(readFileSync(join(out, 'keep.txt'), 'utf8'), 'mine');
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});

// train.load_items with exposed_targets: a real bracket whose fusion is itself dark (it never
// reached a normal exposure) is no reference for a well-exposed photo and is left out; a
// photo's target (the photo as its author exposed it) always stays. Run on a cache entry
// written here in dataset.py's format, through the training code itself.
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { repoRoot, tmpDir } from '../helpers/paths';

const SCRIPT = `
import json, sys
import numpy as np
sys.path.insert(0, sys.argv[1])
import train
path = sys.argv[2] + "/entry.npz"
frames = np.full((2, 8, 8, 3), 40, np.uint8)
dark = np.full((8, 8, 3), int(255 * train.EXPOSED_TARGET_LUMA) - 3, np.uint8)
lit = np.full((8, 8, 3), int(255 * train.EXPOSED_TARGET_LUMA) + 3, np.uint8)
np.savez(path, in0=frames, tg0=dark, in1=frames, tg1=lit)
def groups(source, exposed):
    items = train.load_items([{"scene": "s", "split": "train", "source": source, "path": path}], exposed)
    return [int(g[1].mean()) for it in items for g in it["groups"]]
print(json.dumps({"real": groups("brackets_sice", True), "realAll": groups("brackets", False),
                  "photo": groups("photos", True), "darkOnly": len(train.load_items(
                      [{"scene": "d", "split": "train", "source": "brackets", "path": path}], True)[0]["groups"])}))
`;

test('exposed_targets leaves out a real bracket group whose fusion is itself dark, and nothing else', { timeout: 120_000 }, () => {
  const dir = tmpDir('evenlight-targets-');
  try {
    const r = spawnSync('/usr/bin/python3', ['-c', SCRIPT, join(repoRoot, 'models', 'training'), dir], { encoding: 'utf8', timeout: 100_000 });
    assert.equal(r.status, 0, `train.load_items failed: ${r.stderr}`);
    const got = JSON.parse(r.stdout.trim().split('\n').pop() ?? '{}') as Record<string, number[] | number>;
    assert.deepEqual(got.real, [28], 'the dark fusion (22/255) is left out, the lit one (28/255) kept');
    assert.deepEqual(got.realAll, [22, 28], 'without the option every group stays');
    assert.deepEqual(got.photo, [22, 28], "a photo's own target is never left out");
    assert.equal(got.darkOnly, 1, 'an item keeps its exposed groups');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

// models/training/soup.py: a weighted mean of whole models' weights. A soup of one model is that
// model; a half-and-half soup holds the mean of each weight; models that are not the same
// network, or a soup without a whole-model checkpoint to take its config from, are refused.
// Run on the committed checkpoints (the shipped model and the one it was fine-tuned from).
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { test } from 'node:test';
import { repoRoot } from '../helpers/paths';

const SCRIPT = `
import json, sys
sys.path.insert(0, sys.argv[1])
import soup
a, _ = soup.whole_state("evenlight2-real1")
b, cfg_b = soup.whole_state("evenlight2-whole7")
one, cfg = soup.soup([("evenlight2-whole7", 2.0)])
half, _ = soup.soup([("evenlight2-real1", 1.0), ("evenlight2-whole7", 1.0)])
floats = [k for k in b if b[k].dtype.is_floating_point]
moved = [k for k in floats if (a[k] - b[k]).abs().max() > 0]
def refused(ingredients):
    try:
        soup.soup(ingredients)
    except ValueError:
        return True
    return False
print(json.dumps({
    "sameKeys": sorted(a) == sorted(b),
    "moved": len(moved),
    "oneIsItself": all(bool((one[k] == b[k]).all()) for k in b),
    "halfIsMean": max(float((half[k].double() - (a[k].double() + b[k].double()) / 2).abs().max()) for k in floats),
    "halfMovedOff": min(float((half[k] - b[k]).abs().max()) for k in moved),
    "config": cfg["arch"] == "evenlight2-finetune" and cfg["base"] == cfg_b["base"],
    "noWhole": refused([("evenlight2-real1", 1.0)]),
    "otherNet": refused([("evenlight2-whole7", 1.0), ("seed-vgg", 1.0)]),
}))
`;

test('soup.py averages whole models weight by weight, and refuses what it cannot average', { timeout: 180_000 }, () => {
  const r = spawnSync('/usr/bin/python3', ['-c', SCRIPT, join(repoRoot, 'models', 'training')], { encoding: 'utf8', timeout: 170_000 });
  assert.equal(r.status, 0, `soup.py failed: ${r.stderr}`);
  const got = JSON.parse(r.stdout.trim().split('\n').pop() ?? '{}') as Record<string, number | boolean>;
  assert.equal(got.sameKeys, true, 'a plain checkpoint is keyed as a whole-model one');
  assert.ok((got.moved as number) > 100, `fine-tuning moved the weights (${got.moved} tensors)`);
  assert.equal(got.oneIsItself, true, 'a soup of one model is that model, whatever its weight');
  assert.ok((got.halfIsMean as number) < 1e-6, `a half-and-half soup is the mean (${got.halfIsMean})`);
  assert.ok((got.halfMovedOff as number) > 0, 'and differs from either end');
  assert.equal(got.config, true, "the soup takes the whole model's config and base");
  assert.equal(got.noWhole, true, 'no whole-model checkpoint: refused');
  assert.equal(got.otherNet, true, 'another network: refused');
});

// Training smoke test: a few optimiser steps of each architecture on two real brackets
// (models/training/smoke_train.py); the loss on a fixed held batch must fall.
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { test } from 'node:test';
import { dataDir, repoRoot } from '../helpers/paths';

test('a short training run lowers the loss of every architecture, leaves a frozen base alone, and draws reproducible batches in workers', { timeout: 180_000 }, () => {
  const r = spawnSync('/usr/bin/python3', [join(repoRoot, 'models', 'training', 'smoke_train.py'), dataDir], {
    cwd: repoRoot,
    encoding: 'utf8',
    timeout: 170_000,
  });
  assert.equal(r.status, 0, `smoke_train.py failed: ${r.stderr}`);
  const res = JSON.parse(r.stdout.trim().split('\n').pop() ?? '{}') as {
    models: Record<string, { before: number; after: number; frozen: number; frozenMoved: number }>;
    loader: { shape: number[]; dtype: string; sameSeedEqual: boolean; otherSeedDiffers: boolean };
  };
  // train.py --workers (the GPU recipe): batches from a DataLoader worker, reproducible per seed
  assert.deepEqual(res.loader.shape, [4, 64, 64, 3]);
  assert.equal(res.loader.dtype, 'torch.uint8');
  assert.ok(res.loader.sameSeedEqual, 'the same seed draws the same batch');
  assert.ok(res.loader.otherSeedDiffers, 'another seed draws another batch');
  const balance = res.models['evenlight2-balance'];
  assert.ok(balance && balance.frozen > 0, 'the balance head has a frozen base');
  assert.equal(balance.frozenMoved, 0, 'training the head leaves its base untouched');
  for (const arch of ['evenlight2', 'evenlight2-balance', 'seed-vgg']) {
    const m = res.models[arch];
    assert.ok(m, `${arch} was trained`);
    assert.ok(Number.isFinite(m.before) && Number.isFinite(m.after), `${arch}: finite losses`);
    assert.ok(m.after < 0.95 * m.before, `${arch}: held loss fell from ${m.before.toFixed(4)} to only ${m.after.toFixed(4)}`);
  }
});

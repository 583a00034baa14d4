// Training smoke test: a few optimiser steps of each architecture on two real brackets
// (models/training/smoke_train.py); the loss on a fixed held batch must fall.
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { test } from 'node:test';
import { dataDir, repoRoot } from '../helpers/paths';

test('a short training run lowers the loss of every architecture, leaves a frozen base alone, draws reproducible batches in workers, darkens crops and shows brackets as pairs; a head can start from another head; the orientation mean is mirror-symmetric; the exposure mean reads its views back where they hold each knot; the lit pool holds dark frames with lights; a gated tone head splits by darkness; the bias check runs the engine\'s steps', { timeout: 180_000 }, () => {
  const r = spawnSync('/usr/bin/python3', [join(repoRoot, 'models', 'training', 'smoke_train.py'), dataDir], {
    cwd: repoRoot,
    encoding: 'utf8',
    timeout: 170_000,
  });
  assert.equal(r.status, 0, `smoke_train.py failed: ${r.stderr}`);
  const res = JSON.parse(r.stdout.trim().split('\n').pop() ?? '{}') as {
    models: Record<string, { before: number; after: number; frozen: number; frozenMoved: number }>;
    loader: { shape: number[]; dtype: string; sameSeedEqual: boolean; otherSeedDiffers: boolean };
    darken: { ratio: number; dtype: string; targetSame: boolean; before: number; below: number; up: number; upMax: number; upTargetSame: boolean };
    toe: { at10: number; at21: number; at128: number; trip: number; srgb: number; camera: number };
    upright: { upright: number; turned: number };
    ema: { mean: number[]; swapped: number[]; back: number[] };
    lamps: { core: number; coreInTarget: boolean; neverDarker: boolean; farUntouched: number; off: boolean };
    headInit: { before: number; after: number; keys: number };
    dihedral: { turnIsRot90: boolean; oneIsNetwork: boolean; mirrorError: number; colorError: number; networkMirrorError: number };
    exposures: { oneIsNetwork: number; readBackError: number; monotone: boolean };
    lit: { frames: number; isLamp: boolean; share: number };
    gate: { frozenTrainable: number; bright: { z: number; fromAbove: number }; dark: { z: number; fromAbove: number } };
    realRule: { darkness: number; 'darkness-real': number; 'darkness-real-3': number; bins: number; binsMerged: number };
    pairs: { frames: number; extremes: boolean; ownFusion: boolean; wholeDiffers: boolean; twoFrameNone: boolean };
    prior: { gradError: number; weights: number[]; darkWb: boolean[] };
    bias: { alone: number; engine: number };
  };
  // score_dev.py --bias through the engine's steps it is asked for (it once ran the networks alone)
  assert.ok(Math.abs(res.bias.engine - res.bias.alone) > 0.01, `a dark frame's bias ${res.bias.alone} alone, ${res.bias.engine} with the virtual bracket`);
  // training through the virtual bracket's prior: the network's curves get 1 - w of the gradient
  assert.ok(res.prior.gradError < 1e-6, `gradient through the prior off by ${res.prior.gradError}`);
  assert.ok(res.prior.weights[0] > 0 && res.prior.weights[1] === 0, `a dark and a mid-grey-or-brighter thumbnail: w ${res.prior.weights}`);
  assert.ok(res.prior.darkWb.length > 0 && res.prior.darkWb.every((d) => !d), '"dark_wb": false leaves every dark balance out');
  // the "darkness-real" dev rule leaves the synthetic sources' frames out
  assert.ok(res.realRule['darkness-real'] > 0, 'the real frames are in');
  assert.equal(res.realRule.darkness, 2 * res.realRule['darkness-real'], 'the copy marked synthetic is left out');
  // "darkness-real-3": the same frames, the two darkest bins scored as one (frame-weighted)
  assert.equal(res.realRule['darkness-real-3'], res.realRule['darkness-real']);
  assert.ok(Math.abs(res.realRule.binsMerged - (17.5 + 24 + 30) / 3) < 1e-9, `merged bins score ${res.realRule.binsMerged}`);
  assert.ok(Math.abs(res.realRule.bins - (10 + 20 + 24 + 30) / 4) < 1e-9, `four bins score ${res.realRule.bins}`);
  // model.GatedTone: frames above the gate keep the trained head's exponent, dark ones take the new head's
  assert.equal(res.gate.frozenTrainable, 0, 'the head above the gate is frozen');
  assert.ok(Math.abs(res.gate.bright.z + 2) < 0.01 && Math.abs(res.gate.dark.z + 8) < 0.01, 'the thumbnails sit where meant');
  assert.ok(res.gate.bright.fromAbove > 0.97 && res.gate.bright.fromAbove < 1.001, `two stops above the gate: ${res.gate.bright.fromAbove} of the exponent from the head above`);
  assert.ok(res.gate.dark.fromAbove > -0.001 && res.gate.dark.fromAbove < 0.01, `four stops below: ${res.gate.dark.fromAbove} from the head above`);
  // model.Dihedral, the shipped graph's orientation mean: a mirrored thumbnail gets the mirrored
  // grid, which the bare network (a random one here) does not give
  assert.ok(res.dihedral.turnIsRot90, 'turn() is rot90');
  assert.ok(res.dihedral.oneIsNetwork, 'one orientation is the network itself');
  assert.ok(res.dihedral.mirrorError < 1e-5 && res.dihedral.colorError < 1e-5, `orientation mean not mirror-symmetric: ${res.dihedral.mirrorError}, ${res.dihedral.colorError}`);
  assert.ok(res.dihedral.networkMirrorError > 1e-4, 'the check cannot fail: the bare network is already symmetric');
  // model.Exposures, the exposure mean score_dev.py --exposures scores (not shipped)
  assert.ok(res.exposures.oneIsNetwork < 1e-5, `one unpushed view differs from the network by ${res.exposures.oneIsNetwork}`);
  assert.ok(res.exposures.readBackError < 1e-5, `a view pushed a stop down is read back off by ${res.exposures.readBackError}`);
  assert.ok(res.exposures.monotone, 'the mean of the read-back curves is monotone');
  // train.py's lit pool: dark frames with clipped lights, nothing else
  assert.equal(res.lit.frames, 1, `lit pool holds ${res.lit.frames} frames`);
  assert.ok(res.lit.isLamp, 'the dark frame with a lamp, not the one without it nor the bright one');
  assert.ok(Math.abs(res.lit.share - 0.2) < 1e-9, `lit pool drawn for ${res.lit.share} of the batch`);
  // train.py's darken augmentation: two stops down in linear light is about half the sRGB codes
  assert.ok(res.darken.ratio > 0.3 && res.darken.ratio < 0.75, `darkened crop at ${res.darken.ratio.toFixed(2)} of the original`);
  assert.equal(res.darken.dtype, 'uint8');
  assert.ok(res.darken.targetSame, 'the target is not augmented');
  // "to_below": a crop is pushed at least far enough to land there (noise lifts it a little at most)
  // (stops 0..7 in linear light: about 6.6 reach 3 lower in log2 of the encoded luminance, so
  // without it nearly every draw would stay above)
  // brighten: two stops up is brighter, clipped at white, the target untouched
  assert.ok(res.darken.up > 1.2 && res.darken.upMax <= 255, `brightened crop at ${res.darken.up.toFixed(2)} of the original`);
  assert.ok(res.darken.upTargetSame, 'the target is not augmented');
  // the cameras' toe: real JPEG shadows hold several times the light sRGB says (measured: 4.1 and
  // 3.2 at codes 10 and 21), none from code 128; darken through it crushes a dark shot's shadows
  assert.ok(res.toe.at10 > 2 && res.toe.at21 > 2 && res.toe.at128 === 1, `toe ${res.toe.at10.toFixed(2)} / ${res.toe.at21.toFixed(2)} / ${res.toe.at128}`);
  assert.ok(res.toe.trip < 0.5 / 255, `toe round trip ${res.toe.trip}`);
  assert.ok(res.toe.camera < res.toe.srgb / 2, `code 64 four stops down: ${res.toe.camera.toFixed(1)} through the toe, ${res.toe.srgb.toFixed(1)} through sRGB`);
  // upright crops: never turned (all 16 draws keep the top bright); the default turns some of them
  assert.equal(res.upright.upright, 16);
  assert.ok(res.upright.turned > 0, `default crops turned: ${res.upright.turned} of 16`);
  // the weights' running mean ("ema"): a quarter of the way to the new weights at decay 0.75, swapped in and back out
  assert.deepEqual(res.ema, { mean: [1.25, 1.5], swapped: [1.25, 1.5], back: [2, 0] });
  // lamps: the same discs in the input and its target (the input's cores inside the target's), nothing darker, the rest untouched
  assert.ok(res.lamps.core > 10, `lamp cores: ${res.lamps.core} white pixels`);
  assert.ok(res.lamps.coreInTarget && res.lamps.neverDarker && res.lamps.off);
  assert.ok(res.lamps.farUntouched > 0.3 && res.lamps.farUntouched < 0.99, `pixels away from the lamps untouched: ${res.lamps.farUntouched}`);
  // the pair pool: darkest then brightest frame, their own fusion as the target
  assert.equal(res.pairs.frames, 2);
  assert.ok(res.pairs.extremes, 'the darkest and the brightest frame, in that order');
  assert.ok(res.pairs.ownFusion && res.pairs.wholeDiffers, 'the pair is scored against its own fusion, not the whole bracket\'s');
  assert.ok(res.pairs.twoFrameNone, 'a bracket of two frames is not added again');
  const pushed = res.darken.before - res.darken.below;
  assert.ok(pushed >= 3 - 0.3 && pushed <= 4, `to_below: ${res.darken.before.toFixed(2)} -> ${res.darken.below.toFixed(2)}`);
  // train.py --init from a head's checkpoint, which holds the head alone (tone 7 started from tone 3)
  assert.ok(res.headInit.before > 1e-4, 'the check cannot fail: a fresh head already answers as the trained one');
  assert.ok(res.headInit.after < 1e-6, `a head started from a head's checkpoint differs by ${res.headInit.after}`);
  assert.ok(res.headInit.keys > 0 && res.headInit.keys < 20, `a head's checkpoint holds ${res.headInit.keys} tensors, not the head alone`);
  // train.py --workers (the GPU recipe): batches from a DataLoader worker, reproducible per seed
  assert.deepEqual(res.loader.shape, [4, 64, 64, 3]);
  assert.equal(res.loader.dtype, 'torch.uint8');
  assert.ok(res.loader.sameSeedEqual, 'the same seed draws the same batch');
  assert.ok(res.loader.otherSeedDiffers, 'another seed draws another batch');
  for (const head of ['evenlight2-balance', 'evenlight2-tone']) {
    const m = res.models[head];
    assert.ok(m && m.frozen > 0, `${head}: the head has a frozen base`);
    assert.equal(m.frozenMoved, 0, `${head}: training the head leaves its base untouched`);
  }
  for (const arch of ['evenlight2', 'evenlight2-balance', 'evenlight2-tone', 'seed-vgg']) {
    const m = res.models[arch];
    assert.ok(m, `${arch} was trained`);
    assert.ok(Number.isFinite(m.before) && Number.isFinite(m.after), `${arch}: finite losses`);
    assert.ok(m.after < 0.95 * m.before, `${arch}: held loss fell from ${m.before.toFixed(4)} to only ${m.after.toFixed(4)}`);
  }
});

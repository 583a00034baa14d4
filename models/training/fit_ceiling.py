"""How far the v2 transform family itself can go: fits the applier's curve grid and colour
step to each frame's target directly (gradient descent on the transform, no network) and
prints the PSNR each reaches. The gap between this and the network's PSNR is what a better
predictor could win; the family is not the limit while it is large.

  /usr/bin/python3 models/training/fit_ceiling.py [N_FRAMES] [--split dev] [--scene NAME]

Variants: `none` (curves only, no colour step), `global` (one curve for the whole frame),
`grid` (the shipped 14x14 grid + WB + saturation). Frames are dev real-bracket frames at
256x192, 200 Adam steps each. `--scene NAME` fits every frame of the scenes whose name holds
NAME (in --split) instead of N random frames, and prints each frame's as-shot PSNR beside them.
"""
import argparse
import os
import random
import sys

import numpy as np
import torch
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import applier  # noqa: E402
import dataset  # noqa: E402
import train  # noqa: E402

K, GRID = 24, 14


def curves_of(logits, dx):
    """The network's parameterisation: positive slopes, cumulated from 0 (monotone)."""
    s = torch.exp(6 * torch.tanh(logits / 6)) * dx[None, :, None, None]
    return torch.cumsum(torch.cat([torch.zeros_like(s[:, :1]), s], 1), 1)


def fit(x, y, variant, xk, steps=200):
    g = 1 if variant == "global" else GRID
    logits = torch.zeros(1, K - 1, g, g, requires_grad=True)
    col = torch.zeros(1, 4, requires_grad=True)
    opt = torch.optim.Adam([logits, col], lr=0.05)
    luma = torch.tensor(applier.LUMA)[:, None]
    for _ in range(steps):
        wb = torch.exp(col[:, :3])
        wb = wb / (wb @ luma)
        sat = torch.exp(col[:, 3:4])
        if variant == "none":
            wb, sat = torch.ones_like(wb), torch.ones_like(sat)
        color = torch.cat([wb, sat, sat, torch.full_like(sat, 0.01)], 1)
        out = applier.apply(x, curves_of(logits, xk[1:] - xk[:-1]), xk, color)
        loss = (out - y).abs().mean()
        opt.zero_grad()
        loss.backward()
        opt.step()
    with torch.no_grad():
        return float(train.psnr(torch.round(out.clamp(0, 1) * 255) / 255, y))


def main(argv=None):
    ap = argparse.ArgumentParser()
    ap.add_argument("frames", type=int, nargs="?", default=10)
    ap.add_argument("--split", default="dev")
    ap.add_argument("--scene", default=None)
    ap.add_argument("--data", default=os.environ.get("EVENLIGHT_DATA", os.path.join(HERE, "..", "..", "..", "shared", "data")))
    a = ap.parse_args(argv)
    torch.set_num_threads(1)
    items = dataset.build_cache(a.data, log=lambda *x: None)
    real = train.load_items([i for i in items if i["split"] == a.split and i["source"] in ("brackets", "brackets_sice")])
    if a.scene:
        real = [it for it in real if a.scene in it["scene"]]
    cands = [(it, g, i) for it in real for g in range(len(it["groups"])) for i in range(len(it["groups"][g][0]))]
    if not a.scene:
        random.Random(0).shuffle(cands)
        cands = cands[:a.frames]
    xk = applier.knots(K, 2.5)
    res = {v: [] for v in ("as-shot", "none", "global", "grid")}
    for it, g, i in cands:
        frames, tgt = it["groups"][g]
        x = F.interpolate(train.to_t([frames[i]]), size=(192, 256), mode="area")
        y = F.interpolate(train.to_t([tgt]), size=(192, 256), mode="area")
        res["as-shot"].append(float(train.psnr(x, y)))
        for v in ("none", "global", "grid"):
            res[v].append(fit(x, y, v, xk))
        print(it["scene"], g, i, {v: round(r[-1], 2) for v, r in res.items()}, flush=True)
    print("mean", {v: round(float(np.mean(r)), 2) for v, r in res.items()})


if __name__ == "__main__":
    main()

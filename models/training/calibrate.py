"""Fits a DarkLift head (model.py: log gamma = -a * max(0, t - z), two numbers) on the dev split,
on top of a frozen base, by grid search under the config's dev rule; writes the checkpoint and
report as train.py does.

  /usr/bin/python3 models/training/calibrate.py --config models/training/configs/evenlight2-lift1.json
  /usr/bin/python3 models/training/calibrate.py --config models/training/configs/evenlight2-lift2.json --fit-on-darkened 5 9 8

Why on dev: the base networks were fitted to the train frames, so their residuals there are not
their residuals on photos they never saw (the darkest train frames come out about right; dev,
test and held-out ones a stop too dark). Two numbers fitted on 620 dev frames of 90 scenes are
calibration, as temperature scaling is for a classifier. Before the fit on all of dev, a 2-fold
cross-validation by scene (fit on one half's scenes, score the other half) says whether the
fitted lift carries to scenes it was not fitted on; the report holds both folds.
--fit-on-darkened fits on train frames pushed darker instead (frames the networks have not
fitted either) and scores the fit on dev (lift2: they ask for far more lift than dev's real dark
frames take; models/MODEL_CARD.md).
"""
import argparse
import itertools
import json
import os
import sys
import time

import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import applier  # noqa: E402
import dataset  # noqa: E402
import model as models  # noqa: E402
import train  # noqa: E402


def frame_scores(net, frames, a, t):
    """Per-frame (PSNR, cast) with the head set to (a, t); frames hold the base's outputs."""
    net.head.a.fill_(a)
    net.head.t.fill_(t)
    out = []
    for f in frames:
        gamma = net.head(f["thumb"])
        if float(gamma) == 1.0 and f.get("base") is not None:
            out.append(f["base"])  # the identity: the base's own figures
            continue
        curves = models.raise_curves(f["curves"], gamma)
        o = torch.round(applier.apply(f["x"], curves, net.xk, f["color"]).clamp(0, 1) * 255) / 255
        out.append((float(train.psnr(o, f["y"])), float(train.cast(o, f["y"]))))
    return out


def score(cfg, frames, scores):
    """The config's selection score over frames (train.selection_score, darkness bins or not)."""
    m = {"psnr": float(np.mean([p for p, _ in scores])), "cast": float(np.mean([c for _, c in scores]))}
    m["by_darkness"], m["psnr_bins"] = train.bin_psnrs([f["bin"] for f in frames], [p for p, _ in scores])
    return train.selection_score(cfg, m), m


def fit(cfg, frames, table):
    """The grid point with the best score over frames; table caches each point's per-frame scores."""
    best = None
    for a, t in itertools.product(cfg["grid"]["a"], cfg["grid"]["t"]):
        s, m = score(cfg, frames, [table[(a, t)][f["i"]] for f in frames])
        if best is None or s > best[0]:
            best = (s, a, t, m)
    return best


def main(argv=None):
    ap = argparse.ArgumentParser()
    ap.add_argument("--config", required=True)
    ap.add_argument("--data", default=os.environ.get("EVENLIGHT_DATA", os.path.join(HERE, "..", "..", "..", "shared", "data")))
    ap.add_argument("--out-dir", default=train.REPO)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--fit-on-darkened", type=float, nargs=3, metavar=("LO", "HI", "EVERY"),
                    help="fit on every EVERY-th train frame pushed LO..HI stops darker (train.darken, seeded) "
                         "instead of on dev, which then only scores the fit: frames the networks have not fitted, "
                         "many more than dev's darkest")
    a = ap.parse_args(argv)
    with open(a.config) as f:
        cfg = json.load(f)
    torch.set_num_threads(a.threads)
    t0 = time.time()
    cache = dataset.build_cache(a.data)
    dev = train.load_items([i for i in cache if i["split"] == "dev"])
    dev_pairs = [(it["scene"], xy) for it in dev for xy in train.dev_frames([it], None)]
    net = models.build(cfg, os.path.join(train.REPO, "models", "checkpoints"))
    net.eval()
    grid = list(itertools.product(cfg["grid"]["a"], cfg["grid"]["t"]))
    if a.fit_on_darkened:
        lo, hi, every = a.fit_on_darkened
        tr = [(it["scene"], xy) for it in train.load_items([i for i in cache if i["split"] == "train"])
              for xy in train.dev_frames([it], None)][::int(every)]
        pushed = train.darkened([xy for _, xy in tr], (lo, hi))
        tframes, ttable = scored_frames(net, [(sc, xy) for (sc, _), xy in zip(tr, pushed)], grid)
        s, ga, gt, _ = fit(cfg, tframes, ttable)
        frames, table = scored_frames(net, dev_pairs, [(ga, gt)])  # dev only scores the fit
        s_dev, m_dev = score(cfg, frames, [table[(ga, gt)][f["i"]] for f in frames])
        s_base, m_base = score(cfg, frames, [f["base"] for f in frames])
        print(f"fitted on {len(tframes)} pushed-down train frames: a={ga} t={gt} (their score {s:.3f}); dev {s_base:.3f} -> {s_dev:.3f} "
              f"(bins {m_base['psnr_bins']:.2f} -> {m_dev['psnr_bins']:.2f}, cast {m_base['cast']:.2f} -> {m_dev['cast']:.2f})", flush=True)
        save(a, argv, cfg, net, (ga, gt), t0, {"train_pairs": len(tframes), "train_scenes": len({f["scene"] for f in tframes}),
                                               "fitted_on": "train, pushed darker"}, (s_base, m_base), (s_dev, m_dev))
        return
    frames, table = scored_frames(net, dev_pairs, grid)
    # 2-fold cross-validation by scene: fit on one half, score the other
    scenes = sorted({f["scene"] for f in frames})
    half, _ = train.scene_halves(scenes, cfg["seed"])
    folds = []
    for k in (0, 1):
        fit_on = [f for f in frames if (f["scene"] in half) == (k == 0)]
        held = [f for f in frames if (f["scene"] in half) != (k == 0)]
        s, ga, gt, _ = fit(cfg, fit_on, table)
        s_held, m_held = score(cfg, held, [table[(ga, gt)][f["i"]] for f in held])
        s_base, m_base = score(cfg, held, [f["base"] for f in held])
        folds.append({"fit": {"a": ga, "t": gt}, "frames": len(held), "scenes": len({f["scene"] for f in held}),
                      "base": {"score": s_base, **m_base}, "lifted": {"score": s_held, **m_held}})
        print(f"fold {k}: fitted a={ga} t={gt}; on the other {len(held)} frames score {s_base:.3f} -> {s_held:.3f} "
              f"(bins {m_base['psnr_bins']:.2f} -> {m_held['psnr_bins']:.2f})", flush=True)
    s, ga, gt, m = fit(cfg, frames, table)
    s_base, m_base = score(cfg, frames, [f["base"] for f in frames])
    print(f"all dev: a={ga} t={gt}: score {s_base:.3f} -> {s:.3f} (bins {m_base['psnr_bins']:.2f} -> {m['psnr_bins']:.2f}, "
          f"psnr {m_base['psnr']:.2f} -> {m['psnr']:.2f}, cast {m_base['cast']:.2f} -> {m['cast']:.2f})", flush=True)
    save(a, argv, cfg, net, (ga, gt), t0, {"train_pairs": len(frames), "train_scenes": len(scenes), "fitted_on": "dev",
                                           "folds": folds}, (s_base, m_base), (s, m))


def scored_frames(net, pairs, grid):
    """Frames (scene, (x, y)) with the base's transform computed once, and the per-frame scores at each
    (a, t) of grid."""
    frames = []
    with torch.no_grad():
        for scene, (x, y) in pairs:
            thumb = train.thumbs_of(x)
            curves, color = net.base(thumb)
            frames.append({"i": len(frames), "scene": scene, "x": x, "y": y, "thumb": thumb,
                           "curves": curves, "color": color, "bin": train.dark_bin(x), "base": None})
        for f, s in zip(frames, frame_scores(net, frames, 0.0, 0.0)):
            f["base"] = s
        table = {(ga, gt): frame_scores(net, frames, ga, gt) for ga, gt in grid}
    return frames, table


def save(a, argv, cfg, net, fitted, t0, report, base, lifted):
    """The checkpoint and report in train.py's form (export.py reads it): report adds what the fit
    was made on; base and lifted are the (score, metrics) on dev without and with the lift."""
    ga, gt = fitted
    net.head.a.fill_(ga)
    net.head.t.fill_(gt)
    ck_dir = os.path.join(a.out_dir, "models", "checkpoints")
    rep_dir = os.path.join(a.out_dir, "models", "training", "report")
    os.makedirs(ck_dir, exist_ok=True)
    os.makedirs(rep_dir, exist_ok=True)
    train.save_atomic({"config": cfg, "state_dict": train.trained_state(net), "step": 1}, os.path.join(ck_dir, f"{cfg['name']}.pt"))
    minutes = (time.time() - t0) / 60
    metrics = {"name": cfg["name"], "config": cfg, "params": 2, "threads": a.threads, **report,
               "best_dev_score": lifted[0], "device": "cpu",
               "command": " ".join(["/usr/bin/python3", "models/training/calibrate.py"] + (argv or sys.argv[1:])),
               "fit": {"a": ga, "t": gt},
               "history": [{"step": 0, "minutes": 0.0, "dev": {"score": base[0], **base[1]}},
                           {"step": 1, "minutes": minutes, "dev": {"score": lifted[0], **lifted[1]}}]}
    train.save_atomic_json(metrics, os.path.join(rep_dir, f"{cfg['name']}.metrics.json"))
    print(f"{cfg['name']}: {minutes:.1f} min", flush=True)


if __name__ == "__main__":
    main()

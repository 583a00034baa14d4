"""Checks of what the transform family could do on real frames, before asking a network to
predict it (models/MODEL_CARD.md):

  /usr/bin/python3 models/training/oracle_check.py stats train
      per real bracket of a split: the darkest frame's R/G and B/G against its Mertens(1,1,1)
      fusion on the fusion's near-neutral mid-tones where that frame is dark (luminance
      0.004-0.1), and the median over the split (1.0 = the dark end is balanced)
  /usr/bin/python3 models/training/oracle_check.py fit-dark brackets_sice/sice_230:02.jpg ...
      the dark balance head's base transform on one frame, then the head's four outputs (dark
      gains, their scale) fitted to that frame's fusion by gradient descent: PSNR and cast
      before and after, at a long side of 512
  /usr/bin/python3 models/training/oracle_check.py fit-global EVAL.json BUCKET [EVERY]
      every EVERY-th ai frame of an EV bucket (or "all") in an `evenlight eval --json` result:
      the shipped transform, then the best of five global multipliers of its curves (exposure)
      and the best of five saturation factors, each alone, at a long side of 384; and which
      multiplier won, by scene and by the frame's darkness (mean log2 luminance), as geometric
      means: a systematic error shows as one direction, scatter as both
"""
import glob
import json
import os
import sys

import cv2
import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import applier  # noqa: E402
import dataset  # noqa: E402
import model as models  # noqa: E402
import train  # noqa: E402
from export import load_shipped, shipped_base  # noqa: E402

DATA = os.environ.get("EVENLIGHT_DATA", os.path.join(HERE, "..", "..", "..", "shared", "data"))


def bracket(scene, long_side):
    files = sorted(f for f in glob.glob(os.path.join(DATA, scene, "*")) if f.lower().endswith((".jpg", ".jpeg", ".png")))
    frames = []
    for f in files:
        im = cv2.imread(f, cv2.IMREAD_COLOR)
        if im is None:
            return None, None
        frames.append(dataset.resize_long(cv2.cvtColor(im, cv2.COLOR_BGR2RGB), long_side))
    if len(frames) < 2 or len({f.shape for f in frames}) > 1:
        return None, None
    return [os.path.basename(f) for f in files], frames


def neutral_mask(fus):
    lab = cv2.cvtColor(fus.astype(np.float32), cv2.COLOR_RGB2Lab)
    return (np.hypot(lab[..., 1], lab[..., 2]) < 8) & (lab[..., 0] > 15) & (lab[..., 0] < 95)


def stats(split):
    scenes = [s for s in json.load(open(os.path.join(HERE, "split.json")))[split] if s.startswith("brackets")]
    ratios = []
    for sc in scenes:
        _, frames = bracket(sc, 512)
        if frames is None:
            continue
        fus = dataset.mertens(frames).astype(np.float32) / 255
        dark = min(frames, key=lambda f: f.mean()).astype(np.float32) / 255
        y = dark @ np.array(applier.LUMA, np.float32)
        m = neutral_mask(fus) & (y > 0.004) & (y < 0.1)
        if m.sum() < 100:
            continue
        a, b = dark[m].mean(0), fus[m].mean(0)
        r = (a / a[1]) / (b / b[1])
        ratios.append(r)
        print(f"{sc:50s} R/G {r[0]:.2f}  B/G {r[2]:.2f}  ({m.sum()} px)")
    med = np.median(np.array(ratios), 0)
    print(f"{split}: {len(ratios)} brackets, median R/G {med[0]:.3f}, B/G {med[2]:.3f}")


def fit_dark(args):
    base = models.load_transform(shipped_base())
    for a in args:
        scene, frame = a.split(":")
        names, frames = bracket(scene, 512)
        fus = torch.from_numpy(dataset.mertens(frames)).permute(2, 0, 1)[None].float() / 255
        x = torch.from_numpy(frames[names.index(frame)]).permute(2, 0, 1)[None].float() / 255
        with torch.no_grad():
            curves, color = base(train.thumbs_of(x))
        p = torch.zeros(4, requires_grad=True)  # the head's raw outputs, saturation factor held at 1
        opt = torch.optim.Adam([p], lr=0.05)

        def out():
            z = torch.cat([p, torch.zeros(1)])[None]
            return applier.apply(x, curves, base.xk, models.balanced_color(color, *models.DarkBalance.outputs(z)))

        with torch.no_grad():
            before = out()
        for _ in range(150):
            o = out()
            loss = (o - fus).abs().mean() + 0.004 * train.cast(o, fus).mean()
            opt.zero_grad()
            loss.backward()
            opt.step()
        with torch.no_grad():
            after = out()
        print(f"{a}: PSNR {float(train.psnr(before, fus)):.2f} -> {float(train.psnr(after, fus)):.2f} dB, "
              f"cast {float(train.cast(before, fus)):.2f} -> {float(train.cast(after, fus)):.2f}")


def geo_means(groups, title):
    for key in sorted(groups):
        v = groups[key]
        print(f"  {title} {key}: {len(v)} frames, best multiplier {np.exp(np.mean(np.log(v))):.2f}")


def fit_global(path, bucket, every=6):
    net = load_shipped()
    rows = [r for r in json.load(open(path))["rows"] if r["method"] == "ai" and bucket in ("all", r["bucket"])][::every]
    res = []
    by_scene, by_dark = {}, {}
    scene = None  # rows come scene by scene: one fusion per bracket, not one per frame
    for r in rows:
        if r["scene"] != scene:
            scene = r["scene"]
            names, frames = bracket(scene, 384)
            fus = None if frames is None else torch.from_numpy(dataset.mertens(frames)).permute(2, 0, 1)[None].float() / 255
        if fus is None:
            continue
        x = torch.from_numpy(frames[names.index(r["frame"])]).permute(2, 0, 1)[None].float() / 255
        with torch.no_grad():
            curves, color = net(train.thumbs_of(x))

            def score(cm=1.0, sm=1.0):
                c = color.clone()
                c[:, 3:5] *= sm
                return float(train.psnr(applier.apply(x, curves * cm, net.xk, c), fus))

            grid = (0.8, 1.0, 1.25, 1.5, 1.8)
            base = score()
            by_m = [score(cm=m) for m in grid]
            res.append((base, max(by_m), max(score(sm=m) for m in (0.8, 1.0, 1.2, 1.4, 1.6))))
        best = grid[int(np.argmax(by_m))]
        by_scene.setdefault(r["scene"], []).append(best)
        dark = int(np.clip(np.floor(float(torch.log2(x.mean(1) + 1e-3).mean())), -8, -1))  # -8 = -8 and below
        by_dark.setdefault(dark, []).append(best)
        print(f"{r['scene']}:{r['frame']}: {base:.2f} dB; best exposure {res[-1][1]:.2f} (x{best}), best saturation {res[-1][2]:.2f}")
    m = np.array(res).mean(0)
    print(f"{len(res)} frames of {bucket}: shipped {m[0]:.2f} dB, best global exposure {m[1]:.2f}, best saturation {m[2]:.2f}")
    geo_means(by_scene, "scene")
    geo_means(by_dark, "mean log2 luminance")


if __name__ == "__main__":
    torch.set_num_threads(2)
    if len(sys.argv) >= 3 and sys.argv[1] == "stats":
        stats(sys.argv[2])
    elif len(sys.argv) >= 3 and sys.argv[1] == "fit-dark":
        fit_dark(sys.argv[2:])
    elif len(sys.argv) >= 4 and sys.argv[1] == "fit-global":
        fit_global(sys.argv[2], sys.argv[3], int(sys.argv[4]) if len(sys.argv) > 4 else 6)
    else:
        sys.exit(__doc__)

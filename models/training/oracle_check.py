"""Checks of what the transform family could do on real frames, before asking a network to
predict it (models/MODEL_CARD.md):

  /usr/bin/python3 models/training/oracle_check.py stats train
      per real bracket of a split: the darkest frame's R/G and B/G against its Mertens(1,1,1)
      fusion on the fusion's near-neutral mid-tones where that frame is dark (luminance
      0.004-0.1), and the median over the split (1.0 = the dark end is balanced)
  /usr/bin/python3 models/training/oracle_check.py dark-cues train,test
      how well what a dark frame shows of itself (its B/G in its shadows and brighter tones, their
      ratio, black clipping per channel) predicts its B/G against its fusion: correlations over
      the real brackets of the splits
  /usr/bin/python3 models/training/oracle_check.py look brackets/hangxiaotian_igloo:igloo5.jpg photos/kodak24/kodim02.png ...
      what the shipped transform does to single frames (a bracket's frame against its fusion, a
      photo against itself), at a long side of 512: mean encoded level, mean CIELAB chroma and
      the cast's (a*, b*) shift on the reference's near-neutral mid-tones, for the input, the
      output, the output with the frame's clipped pixels shown to the network as grey (at any
      level: train.hide_lights without its gate), the product's (a dark frame's lights hidden,
      its curves blended toward its virtual bracket: virtual_bracket.py), and the input under a
      pure gain in light matched to the reference's level; and the product's global white balance
      and saturation
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
  /usr/bin/python3 models/training/oracle_check.py smooth dev
      every frame of a split at the dev rule's size (long side 384): the shipped output against
      the same output smoothed (a Gaussian of sigma 0.7 / 1.5 px on all channels, 0.7 px on
      luminance only, 1.5 / 3 px on chroma only), PSNR per darkness bin and its frames by
      source: what a noise reduction after the curves could gain where they lift sensor noise
  /usr/bin/python3 models/training/oracle_check.py lift dev
      every frame of a split at the dev rule's size: the shipped model with an extra dark lift
      (model.DarkLift's form, t = -4, a = 0 / 0.1 / 0.2 / 0.3), PSNR per darkness bin, apart
      for real brackets (brackets, brackets_sice) and for frames pushed down with modelled noise
      (photos, hdr): whether the two kinds of frame ask for the same lift
  /usr/bin/python3 models/training/oracle_check.py noise dev,train
      the stored frames' noise (Immerkaer's estimate on 8-bit luminance, texture included) and
      mean level per darkness bin, real brackets against synthetic pairs: whether the sensor
      model, applied at the stored size, makes dark frames noisier than real ones downscaled
  /usr/bin/python3 models/training/oracle_check.py light dev
      the real brackets' frames of a split at the dev rule's size, the shipped transform through
      other forms of the applier's gain: on encoded values (before 2.9.0), in light through gamma
      2 with a linear toe at 0.08, through e (e + a) / (1 + a) for a = 0.1 / 0.2 / 0.3 / 0.5,
      through sRGB's transfer and through sRGB with the train brackets' toe (the cameras'
      measured response: dataset.camera_to_lin), saturation about the capped luminance or about
      f; the darkness-real rule's score, bins, cast and PSNR per bin
  /usr/bin/python3 models/training/oracle_check.py pair-gap train,dev,test,heldout
      the real brackets of 3+ frames of the splits, at the stored size: how far the fusion of a
      bracket's darkest and brightest frames (train.pair_groups, the pair pool's target) is from
      the whole bracket's (PSNR; mean log2 luminance, pair minus whole), by source and split:
      whether a two-shot pair asks for another answer than the whole bracket
  /usr/bin/python3 models/training/oracle_check.py cue dev
      what the virtual bracket's blend does to a split's real bracket frames (against their
      fusion) and to its photos (each against itself), at the dev rule's size, per bin of its
      push (stops below mid-grey; the engine blends only above 0): the PSNR with the prior at
      weight 0 and at 0.5 unfaded, and the frames' highlight headroom (stops from the 99th
      percentile of luminance in light to white; clipped pixels, at most 30 %, left out):
      whether a cue the thumbnail holds tells a low-key photo from an under-exposed frame
  /usr/bin/python3 models/training/oracle_check.py orient dev evenlight2-whole37 evenlight2-whole39
      the real brackets' frames of a split at the dev rule's size through each named checkpoint
      (the networks alone, the dark balance's white balance left out as shipped): PSNR and cast
      on the whole frame, on its centre cropped to a portrait 2:3 (upright content in a tall
      frame, which the thumbnail squeezes the other way) and turned a quarter (content on its
      side, which the engine never shows the network: it turns photos by their EXIF orientation
      first): whether a network trained on upright crops only still reads portrait photos
  /usr/bin/python3 models/training/oracle_check.py response train,dev,test,heldout
      the camera responses of the splits' real brackets with exposure times (OpenCV's Debevec
      calibration, 200 samples, lambda 10, at a long side of 800; mean of R, G and B): the light
      each code stands for against what sRGB's transfer says, both set equal at code 128, per
      bracket and as a geometric mean: how far a real camera's JPEG departs from the sRGB that
      the virtual bracket pushes in
  /usr/bin/python3 models/training/oracle_check.py bright EVAL.json
      the real bracket frames of an `evenlight eval --json` result with as-shot and ai rows, by
      the input's mean encoded level and clipped share (brightest channel at 0.98 or above, the
      lights step's test) on a 224x224 area thumbnail: mean PSNR as shot and through ai, and how
      many frames ai leaves below their input: whether a bright frame with no clipped highlights
      (a sunlit or snowy scene shot right) is one that the model should leave alone
  /usr/bin/python3 models/training/oracle_check.py pushed photos/kodak24/kodim02.png [STOPS ...]
      a well-exposed photo pushed down in light by each number of stops (default 2-6), encoded
      through sRGB's transfer (a RAW developed dark, a clean render) and through the train
      brackets' camera toe (dataset.lin_to_camera: a camera's JPEG), as an 8-bit JPEG q92, at a
      long side of 512; the product's output against the photo: PSNR, mean CIELAB chroma (the
      photo's beside it), the colour step's saturation, dark saturation and the luminance scale
      below which the dark one holds, and PSNR and chroma with the dark saturation raised to the
      saturation: whether a dark frame's colour is kept or greyed, and what greying costs; then
      the same decoded frame through the product itself (`evenlight normalize --shadow-colour 0`, the
      default, and `1`, the app's Shadow colour slider at 100 %; needs `npm run build`)
  /usr/bin/python3 models/training/oracle_check.py chroma-gate dev
      the real bracket frames of a split at the dev rule's size, through the product (smoothing,
      lights hidden, the virtual bracket): PSNR and cast per darkness bin as shipped, and with the
      dark saturation given back per pixel in proportion to how coloured the pixel is in light
      (its HSV saturation, white-balanced, in light: from none at c0 to all at c1, for three
      (c0, c1)), and at every pixel: whether saturation can come back where the colour is the
      scene's without the cast that giving it back everywhere brings
"""
import glob
import json
import math
import os
import subprocess
import sys
import tempfile

import cv2
import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import applier  # noqa: E402
import dataset  # noqa: E402
import model as models  # noqa: E402
import train  # noqa: E402
import virtual_bracket  # noqa: E402
from export import load, load_shipped, shipped_base  # noqa: E402

DATA = os.environ.get("EVENLIGHT_DATA", os.path.join(HERE, "..", "..", "..", "shared", "data"))


def eight_bit(t):
    """Values as an 8-bit file holds them (0..1 in 1/255 steps): what the eval scores."""
    return torch.round(t.clamp(0, 1) * 255) / 255


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


def dark_balance(split):
    """Per real bracket of a split: its darkest frame (RGB 0..1, and 8-bit), the luminance of
    that frame, and its R/G, B/G against its fusion on the fusion's near-neutral mid-tones where
    the frame is dark (1.0 = balanced); brackets with under 100 such pixels are skipped."""
    scenes = [s for s in json.load(open(os.path.join(HERE, "split.json")))[split] if s.startswith("brackets")]
    for sc in scenes:
        _, frames = bracket(sc, 512)
        if frames is None:
            continue
        fus = dataset.mertens(frames).astype(np.float32) / 255
        d8 = min(frames, key=lambda f: f.mean())
        dark = d8.astype(np.float32) / 255
        y = dark @ np.array(applier.LUMA, np.float32)
        m = neutral_mask(fus) & (y > 0.004) & (y < 0.1)
        if m.sum() < 100:
            continue
        a, b = dark[m].mean(0), fus[m].mean(0)
        yield sc, d8, dark, y, (a / a[1]) / (b / b[1]), int(m.sum())


def stats(split):
    ratios = []
    for sc, _, _, _, r, n in dark_balance(split):
        ratios.append(r)
        print(f"{sc:50s} R/G {r[0]:.2f}  B/G {r[2]:.2f}  ({n} px)")
    med = np.median(np.array(ratios), 0)
    print(f"{split}: {len(ratios)} brackets, median R/G {med[0]:.3f}, B/G {med[2]:.3f}")


def dark_cues(splits):
    """How well what a dark frame shows of itself predicts its imbalance against its fusion (the
    cast a lift carries into the mid-tones): the correlation, over the real brackets of the
    splits, of log B/G against the fusion (stats) with the frame's own log B/G at luminance
    0.004-0.03 and 0.03-0.3 (all pixels: the neutrals are not known without the fusion), their
    ratio (a toe that crushes blue shows as blue falling with level), and the share of pixels at
    code 0 in blue less that in green (black clipping); the same for R/G with its ratio."""
    rows = []
    for split in splits.split(","):
        for _, d8, dark, y, r, _ in dark_balance(split):
            bands = [(y > 0.004) & (y < 0.03), (y >= 0.03) & (y < 0.3)]
            if min(b.sum() for b in bands) < 50:
                continue
            lo, hi = (dark[b].mean(0) for b in bands)
            zero = (d8 == 0).mean((0, 1))
            rows.append([math.log(r[2]), math.log(r[0]), math.log(lo[2] / lo[1]), math.log(hi[2] / hi[1]),
                         math.log((lo[2] / lo[1]) / (hi[2] / hi[1])), zero[2] - zero[1],
                         math.log((lo[0] / lo[1]) / (hi[0] / hi[1]))])
    a = np.array(rows)
    c = lambda i, t=0: np.corrcoef(a[:, i], a[:, t])[0, 1]  # noqa: E731
    print(f"{splits}: {len(a)} brackets; correlation with log B/G against the fusion: own B/G dark {c(2):.2f}, "
          f"bright {c(3):.2f}, dark/bright {c(4):.2f}, blue-less-green black share {c(5):.2f}; "
          f"log R/G against the fusion with own R/G dark/bright {c(6, 1):.2f}")


def look(args):
    net = load_shipped()
    for a in args:
        if ":" in a:
            scene, frame = a.split(":")
            names, frames = bracket(scene, 512)
            ref8, x8 = dataset.mertens(frames), frames[names.index(frame)]
        else:
            x8 = dataset.resize_long(cv2.cvtColor(cv2.imread(os.path.join(DATA, a), cv2.IMREAD_COLOR), cv2.COLOR_BGR2RGB), 512)
            ref8 = x8
        x = torch.from_numpy(x8).permute(2, 0, 1)[None].float() / 255
        with torch.no_grad():
            curves, color = net(train.thumbs_of(x))
            out = applier.apply(x, curves, net.xk, color)[0].permute(1, 2, 0).numpy()
            # the network shown the frame's clipped pixels as grey, at any level (train.hide_lights
            # does so only in dark frames)
            curves, color = net(train.hide_lights(train.thumbs_of(x), dark_log2=float("inf")))
            grey = applier.apply(x, curves, net.xk, color)[0].permute(1, 2, 0).numpy()
            # the product's transform: lights hidden in a dark frame, then the virtual bracket's blend
            product, (_, pcol) = train.run(net, x, lights=True, prior=virtual_bracket.SHIPPED)
            product = product[0].permute(1, 2, 0).numpy()
        ref = ref8.astype(np.float32) / 255
        lab_ref = cv2.cvtColor(ref, cv2.COLOR_RGB2Lab)
        m = neutral_mask(ref)
        lin = lambda e: applier.to_light(torch.from_numpy(np.ascontiguousarray(e))).numpy()  # noqa: E731
        inp = x8.astype(np.float32) / 255
        gain = float(np.median(lin(ref).mean(2)[m]) / max(float(np.median(lin(inp).mean(2)[m])), 1e-6)) if m.any() else 1.0
        lifted = applier.from_light(torch.from_numpy(lin(inp) * gain)).clamp(0, 1).numpy()
        cols = []
        for name, im in (("input", inp), ("ai", out), ("ai, lights grey", grey), ("product", product), ("gain in light", lifted),
                         ("reference", ref)):
            lab = cv2.cvtColor(np.ascontiguousarray(im, np.float32), cv2.COLOR_RGB2Lab)
            d = (lab - lab_ref)[m].mean(0) if m.any() else np.zeros(3)
            level = float((im @ np.array(applier.LUMA, np.float32)).mean())
            cols.append(f"{name} level {level:.2f} chroma {float(np.hypot(lab[..., 1], lab[..., 2]).mean()):.1f} "
                        f"shift a* {d[1]:+.1f} b* {d[2]:+.1f}")
        wb = pcol[0, :3].tolist()
        print(f"{a}: " + "; ".join(cols) + f" (x{gain:.0f} in light); the product's colour step: white balance "
              f"R x{wb[0]:.3f} G x{wb[1]:.3f} B x{wb[2]:.3f}, saturation {float(pcol[0, 3]):.2f}")


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


def gaussian(x, sigma):
    """Gaussian blur of [N,C,H,W] (C <= 3; SSIM's window, train.gauss_window), edges replicated."""
    r = int(3 * sigma + 0.5)
    c = x.shape[1]
    x = torch.nn.functional.pad(x, (r, r, r, r), mode="replicate")
    return torch.nn.functional.conv2d(x, train.gauss_window(2 * r + 1, sigma)[:c], groups=c)


def smooth(split):
    items = dataset.build_cache(DATA, log=lambda *x: None)
    split_items = train.load_items([i for i in items if i["split"] == split])
    data = train.dev_set({"dev_rule": "darkness"}, split_items)
    sources = {}  # bin -> source -> frames: which of them are real brackets, which pushed down with modelled noise
    for it in split_items:
        for frames, _ in it["groups"]:
            for f in frames:
                b = sources.setdefault(train.dark_bin(train.to_t([f])), {})
                b[it["source"]] = b.get(it["source"], 0) + 1
    net = load_shipped().eval()
    luma = torch.tensor(applier.LUMA).view(1, 3, 1, 1)
    variants = {
        "all 0.7": lambda o: gaussian(o, 0.7), "all 1.5": lambda o: gaussian(o, 1.5),
        "luma 0.7": lambda o: o + gaussian((o * luma).sum(1, keepdim=True), 0.7) - (o * luma).sum(1, keepdim=True),
        "chroma 1.5": lambda o: (o * luma).sum(1, keepdim=True) + gaussian(o - (o * luma).sum(1, keepdim=True), 1.5),
        "chroma 3": lambda o: (o * luma).sum(1, keepdim=True) + gaussian(o - (o * luma).sum(1, keepdim=True), 3),
    }
    per = {}
    with torch.no_grad():
        for x, y in data:
            out = train.run(net, x)[0].clamp(0, 1)
            per.setdefault(train.dark_bin(x), []).append([float(train.psnr(eight_bit(out), y))] + [float(train.psnr(eight_bit(f(out)), y)) for f in variants.values()])
    print(f"{split}, PSNR per bin of mean log2 luminance: shipped | " + " | ".join(variants))
    for lo, hi in train.DARK_BINS:
        v = np.array(per.get(f"{lo}..{hi}", []))
        if len(v):
            print(f"{lo}..{hi} ({len(v)} frames: {sources.get(f'{lo}..{hi}')}): " + " | ".join(f"{m:.2f}" for m in v.mean(0)))


def lift(split):
    items = dataset.build_cache(DATA, log=lambda *x: None)
    net = load_shipped().eval()
    grid = (0.0, 0.1, 0.2, 0.3)
    dark_lift = models.DarkLift()  # t = -4
    luma = torch.tensor(applier.LUMA).view(1, 3, 1, 1)
    per = {}
    with torch.no_grad():
        for it in train.load_items([i for i in items if i["split"] == split]):
            kind = "real" if it["source"] in train.REAL_SOURCES else "pushed down"
            for x, y in train.dev_frames([it], None):
                thumb = train.thumbs_of(x)
                curves, color = net(thumb)
                row = []
                for a in grid:
                    dark_lift.a.fill_(a)
                    out = applier.apply(x, models.raise_curves(curves, dark_lift(thumb)), net.xk, color)
                    row.append(float(train.psnr(eight_bit(out), y)))
                    if a == 0:  # the shipped output's exposure bias, and how far the target is from the input
                        lum = [float((t * luma).sum(1).mean().clamp_min(1e-6)) for t in (out, y, x)]
                        row[:0] = [math.log2(lum[0] / lum[1]), math.log2(lum[1] / lum[2])]
                per.setdefault((kind, train.dark_bin(x)), []).append(row)
    print(f"{split}, per darkness bin: the shipped output's median log2 exposure bias; the target's median log2 "
          f"brightness over the input's; PSNR with an extra lift a * max(0, -4 - z), a = " + " | ".join(map(str, grid)))
    for kind in ("real", "pushed down"):
        for lo, hi in train.DARK_BINS:
            v = np.array(per.get((kind, f"{lo}..{hi}"), []))
            if len(v):
                print(f"{kind} {lo}..{hi} ({len(v)} frames): bias {np.median(v[:, 0]):+.2f}, target {np.median(v[:, 1]):+.2f}; "
                      + " | ".join(f"{m:.2f}" for m in v[:, 2:].mean(0)))


def noise(splits):
    items = dataset.build_cache(DATA, log=lambda *x: None)
    lap = np.array([[1, -2, 1], [-2, 4, -2], [1, -2, 1]], np.float32)
    per = {}
    for it in train.load_items([i for i in items if i["split"] in splits.split(",")]):
        kind = "real" if it["source"] in train.REAL_SOURCES else "synthetic"
        for frames, _ in it["groups"]:
            for f in frames:
                y = f.astype(np.float32) @ np.array(applier.LUMA, np.float32)
                h, w = y.shape
                sigma = math.sqrt(math.pi / 2) * np.abs(cv2.filter2D(y, -1, lap)[1:-1, 1:-1]).sum() / (6 * (w - 2) * (h - 2))
                per.setdefault((kind, train.dark_bin(train.to_t([f]))), []).append((sigma, y.mean()))
    print(f"{splits}, per darkness bin: median noise (8-bit codes), median mean level, median noise / level")
    for kind in ("real", "synthetic"):
        for lo, hi in train.DARK_BINS:
            v = np.array(per.get((kind, f"{lo}..{hi}"), []))
            if len(v):
                print(f"{kind} {lo}..{hi} ({len(v)} frames): {np.median(v[:, 0]):.2f} | {np.median(v[:, 1]):.1f} | "
                      f"{np.median(v[:, 0] / np.maximum(v[:, 1], 1)):.3f}")


def toe_light(a):
    """Gamma 2 with a linear toe below a (C1 there), and its inverse: the first form tried."""
    k = 4 * a / (1 + a) ** 2
    return (lambda e: torch.where(e < a, e * k, ((e + a) / (1 + a)) ** 2),
            lambda v: torch.where(v < a * k, v / k, torch.sqrt(v.clamp(min=a * k)) * (1 + a) - a))


def soft_light(a):
    """applier.py's to_light and from_light with their toe at a."""
    return lambda e: applier.to_light(e, a), lambda v: applier.from_light(v, a)


def table_light(to_lin):
    """A light transfer given by a monotone function of encoded values (numpy), on a table of
    4096 codes, linear beyond 1 with the slope at 1, and its inverse."""
    codes = torch.linspace(0, 1, 4096, dtype=torch.float64)
    table = torch.cummax(torch.from_numpy(np.asarray(to_lin(codes.numpy()), np.float64)), 0).values
    table = table / table[-1]
    slope = float((table[-1] - table[-2]) / (codes[-1] - codes[-2]))

    def interp(x, xs, ys, end_slope):
        flat = x.reshape(-1).double()
        i = torch.searchsorted(xs, flat.clamp(max=float(xs[-1]))).clamp(1, len(xs) - 1)
        x0, x1, y0, y1 = xs[i - 1], xs[i], ys[i - 1], ys[i]
        y = y0 + (flat.clamp(min=0) - x0) / (x1 - x0).clamp(min=1e-12) * (y1 - y0)
        y = torch.where(flat > xs[-1], ys[-1] + (flat - xs[-1]) * end_slope, y)
        return y.reshape(x.shape).to(x.dtype)
    return lambda e: interp(e, codes, table, slope), lambda v: interp(v, table, codes, 1 / slope)


def light(split):
    items = dataset.build_cache(DATA, log=lambda *x: None)
    net = load_shipped().eval()
    same = (lambda e: e, lambda v: v)
    toe = dataset.camera_toe(DATA)
    variants = {"encoded, about the capped Y (before 2.9.0)": (same, False),
                "toe 0.08, about the capped Y": (toe_light(0.08), False), "toe 0.08, about f": (toe_light(0.08), True),
                **{f"e(e+{a}), about f": (soft_light(a), True) for a in (0.1, 0.2, 0.3, 0.5)},
                "e(e+0.3), about the capped Y": (soft_light(0.3), False),
                "sRGB, about f": (table_light(dataset.srgb_to_lin), True),
                "the cameras' response (sRGB with the train brackets' toe), about f":
                    (table_light(lambda x: dataset.camera_to_lin(x, toe)), True)}
    cfg = {"w_l1": 1.0, "w_cast_select": 0.1, "dev_rule": "darkness-real"}
    res = {v: ([], [], []) for v in variants}
    with torch.no_grad():
        for x, y in train.dev_set(cfg, train.load_items([i for i in items if i["split"] == split])):
            curves, color = net(train.thumbs_of(x))
            for name, (pair, about_f) in variants.items():
                out = eight_bit(applier.apply(x, curves, net.xk, color, pair, about_f))
                res[name][0].append(train.dark_bin(x))
                res[name][1].append(float(train.psnr(out, y)))
                res[name][2].append(float(train.cast(out, y)))
    print(f"{split}, real brackets' frames ({len(res[next(iter(res))][0])}): score = bins - 0.1 cast | bins | cast | PSNR per bin")
    for name, (bins, ps, cs) in res.items():
        by, pb = train.bin_psnrs(bins, ps)
        print(f"{name}: {pb - 0.1 * np.mean(cs):.3f} | {pb:.3f} | {np.mean(cs):.3f} | "
              + " ".join(f"{k} {v['psnr']:.2f}" for k, v in by.items() if v["psnr"] is not None))


def pair_gap(splits):
    items = dataset.build_cache(DATA, log=lambda *a: None)
    res = {}
    for it in train.load_items([i for i in items if i["split"] in splits.split(",") and i["source"] in train.REAL_SOURCES]):
        got = train.pair_groups(it)
        if not got:
            continue
        (_, pair_tgt), = got
        whole = it["groups"][0][1]
        p = float(train.psnr(train.to_t([pair_tgt]), train.to_t([whole])))
        d = train.mean_log2_luma(train.to_t([pair_tgt])) - train.mean_log2_luma(train.to_t([whole]))
        res.setdefault((it["source"], it["split"]), []).append((p, d))
    for (src, split), v in sorted(res.items()):
        a = np.array(v)
        print(f"{src} {split}: {len(v)} brackets, pair vs whole fusion {a[:, 0].mean():.2f} dB (median {np.median(a[:, 0]):.2f}), "
              f"pair minus whole {a[:, 1].mean():+.2f} stops (sd {a[:, 1].std():.2f})")


def headroom(t):
    """Stops from the 99th percentile of a thumbnail's ([3,H,W], encoded) luminance in light (mean
    of R, G, B) to white, its clipped pixels (brightest channel >= 0.98, when at most 30 %) left out."""
    y = dataset.srgb_to_lin(np.clip(t.astype(np.float64), 0, None)).mean(0).ravel()
    clip = t.max(0).ravel() >= 0.98
    if 0 < clip.mean() <= 0.3:
        y = y[~clip]
    return -math.log2(max(float(np.percentile(y, 99)), 1e-6))


def cue(split):
    scenes = json.load(open(os.path.join(HERE, "split.json")))[split]
    items = dataset.build_cache(DATA, log=lambda *x: None)
    real = train.load_items([i for i in items if i["split"] == split and i["source"] in train.REAL_SOURCES], True)
    net = load_shipped().eval()
    prior = {"weight": 0.5, "fade": False, "half": True}
    per = {}  # (kind, bin) -> [gain dB, headroom]
    bins = ((-99, -1), (-1, 0), (0, 1), (1, 2), (2, 4), (4, 6), (6, 99))  # the engine blends only above 0

    def add(kind, x, y):
        thumb = torch.nn.functional.avg_pool2d(train.thumbs_of(x), 2)[0].numpy()
        push = virtual_bracket.push_stops(dataset.srgb_to_lin(np.clip(thumb.astype(np.float64), 0, None)))
        b = next(f"{lo}..{hi}" for lo, hi in bins if lo < push <= hi)
        with torch.no_grad():
            p0 = float(train.psnr(eight_bit(train.run(net, x, shadows=True, lights=True)[0]), y))
            p1 = float(train.psnr(eight_bit(train.run(net, x, shadows=True, lights=True, prior=prior)[0]), y))
        per.setdefault((kind, b), []).append([p1 - p0, headroom(thumb)])

    for x, y in train.dev_frames(real, None):
        add("bracket frames", x, y)
    for name in (s for s in scenes if s.startswith("photos/")):
        im = cv2.imread(os.path.join(DATA, name), cv2.IMREAD_COLOR)
        x = torch.from_numpy(dataset.resize_long(cv2.cvtColor(im, cv2.COLOR_BGR2RGB), 384)).permute(2, 0, 1)[None].float() / 255
        add("photos", x, x)
    print(f"{split}: the virtual bracket's blend at 0.5 against none (PSNR gain, dB), and the highlight headroom "
          f"(stops; median, 10th-90th percentile), per bin of push")
    for kind in ("bracket frames", "photos"):
        for lo, hi in bins:
            v = np.array(per.get((kind, f"{lo}..{hi}"), []))
            if len(v):
                p10, p50, p90 = np.percentile(v[:, 1], [10, 50, 90])
                print(f"{kind} push {lo}..{hi} ({len(v)}): gain {v[:, 0].mean():+.2f}, headroom {p50:.2f} ({p10:.2f}-{p90:.2f})")


def orient(split, names):
    items = dataset.build_cache(DATA, log=lambda *x: None)
    nets = {n: models.without_dark_wb(load(n)[0].eval()) for n in names}
    res = {(n, v): [] for n in nets for v in ("whole frame", "portrait 2:3 centre", "turned a quarter")}
    with torch.no_grad():
        for x, y in train.dev_set({"dev_rule": "darkness-real-3"}, train.load_items([i for i in items if i["split"] == split])):
            h, w = x.shape[2:]
            cw = int(h * 2 / 3)
            x0 = max(0, (w - cw) // 2)
            views = {"whole frame": (x, y), "portrait 2:3 centre": (x[..., x0:x0 + cw], y[..., x0:x0 + cw]),
                     "turned a quarter": (torch.rot90(x, 1, (2, 3)), torch.rot90(y, 1, (2, 3)))}
            for n, net in nets.items():
                for v, (xv, yv) in views.items():
                    curves, color = net(train.thumbs_of(xv))
                    out = eight_bit(applier.apply(xv, curves, net.xk, color))
                    res[(n, v)].append((float(train.psnr(out, yv)), float(train.cast(out, yv))))
    for (n, v), r in res.items():
        a = np.array(r)
        print(f"{split} {n}, {v} ({len(a)} frames): PSNR {a[:, 0].mean():.3f}, cast {a[:, 1].mean():.3f}")


RESPONSE_CODES = (5, 10, 21, 40, 64, 96, 128, 180, 230)


def response(splits):
    """Per real bracket with exposure times: dataset.camera_responses at RESPONSE_CODES (the light
    of each code over sRGB's, equal at code 128), then their geometric mean."""
    logs = []
    for sp, sc, ratio in dataset.camera_responses(DATA, splits.split(",")):
        logs.append(np.log(ratio))
        print(f"{sp:8s} {sc[9:]:34s} " + " ".join(f"{c}:{ratio[c]:.2f}" for c in RESPONSE_CODES))
    mean = np.exp(np.mean(logs, axis=0))
    print(f"geometric mean of {len(logs)}: " + " ".join(f"{c}:{mean[c]:.2f}" for c in RESPONSE_CODES))


def bright(path):
    rows = [r for r in json.load(open(path))["rows"] if r["scene"].startswith("brackets") and r["psnr"] is not None]
    by = {}
    for r in rows:
        by.setdefault((r["split"], r["scene"], r["frame"]), {})[r["method"]] = r["psnr"]
    per_split = {}
    for (split, scene, frame), m in by.items():
        im = cv2.imread(os.path.join(DATA, scene, frame), cv2.IMREAD_COLOR)
        if im is None or "as-shot" not in m or "ai" not in m:
            continue
        t = cv2.resize(im, (224, 224), interpolation=cv2.INTER_AREA).astype(np.float32) / 255
        per_split.setdefault(split, []).append((float(t.mean()), float((t.max(axis=2) >= 0.98).mean()), m["as-shot"], m["ai"]))
    for split, frames in per_split.items():
        print(f"{split}: {len(frames)} real bracket frames")
        for lo, hi in ((0, 0.3), (0.3, 0.4), (0.4, 0.5), (0.5, 0.6), (0.6, 1.01)):
            for c0, c1 in ((0, 0.005), (0.005, 0.05), (0.05, 1.01)):
                s_ = [x for x in frames if lo <= x[0] < hi and c0 <= x[1] < c1]
                if s_:
                    shot, ai = np.mean([x[2] for x in s_]), np.mean([x[3] for x in s_])
                    below = sum(x[3] < x[2] for x in s_)
                    print(f"  level {lo:.1f}-{min(hi, 1):.1f}, clipped {c0:.1%}-{min(c1, 1):.1%}: {len(s_)} frames, "
                          f"as shot {shot:.2f} dB, ai {ai:.2f}, ai below the input in {below}")


def pushed(args):
    net = load_shipped()
    ref8 = dataset.resize_long(cv2.cvtColor(cv2.imread(os.path.join(DATA, args[0]), cv2.IMREAD_COLOR), cv2.COLOR_BGR2RGB), 512)
    ref = ref8.astype(np.float32) / 255
    toe = dataset.camera_toe(DATA)
    as_t = lambda a: torch.from_numpy(np.ascontiguousarray(a, np.float32)).permute(2, 0, 1)[None]  # noqa: E731
    chroma = lambda t: float(np.hypot(*cv2.cvtColor(t[0].permute(1, 2, 0).numpy(), cv2.COLOR_RGB2Lab)[..., 1:].transpose(2, 0, 1)).mean())  # noqa: E731
    print(f"{args[0]}: chroma {chroma(as_t(ref)):.1f}")
    for name, encode in (("sRGB", dataset.lin_to_srgb), ("camera toe", lambda lin: dataset.lin_to_camera(lin, toe))):
        for stops in [float(a) for a in args[1:]] or [2, 3, 4, 5, 6]:
            enc = dataset.to_u8(encode(dataset.srgb_to_lin(ref) * 2.0 ** -stops))
            x8 = cv2.imdecode(cv2.imencode(".jpg", enc, [cv2.IMWRITE_JPEG_QUALITY, 92])[1], cv2.IMREAD_UNCHANGED)
            x = as_t(x8.astype(np.float32) / 255)
            y = as_t(ref)
            with torch.no_grad():
                out, (curves, color) = train.run(net, x, shadows=True, lights=True, prior=virtual_bracket.SHIPPED)
                full = color.clone()
                full[:, 4] = full[:, 3]
                kept = applier.apply_smoothed(x, curves, net.xk, full)
            c = color[0].tolist()
            print(f"  {name}, {stops:g} stops down: PSNR {float(train.psnr(eight_bit(out), y)):.2f} dB, chroma {chroma(eight_bit(out)):.1f}; "
                  f"saturation {c[3]:.2f}, dark {c[4]:.2f} below {c[5]:.3f}; dark saturation at {c[3]:.2f}: "
                  f"PSNR {float(train.psnr(eight_bit(kept), y)):.2f} dB, chroma {chroma(eight_bit(kept)):.1f}")
            product = []
            for amount in (0, 1):
                o = as_t(evenlight_normalize(x8, ["--shadow-colour", str(amount)]))
                product.append(f"{amount}: PSNR {float(train.psnr(o, y)):.2f} dB, chroma {chroma(o):.1f}")
            print("    evenlight normalize --shadow-colour " + " | ".join(product))


def evenlight_normalize(rgb8, args):
    """An 8-bit RGB frame through the product's CLI (as a PNG: the pixels the twin saw): its output in 0..1."""
    cli = os.path.join(HERE, "..", "..", "bin", "evenlight.js")
    with tempfile.TemporaryDirectory() as tmp:
        src, dst = os.path.join(tmp, "in.png"), os.path.join(tmp, "out.png")
        cv2.imwrite(src, cv2.cvtColor(rgb8, cv2.COLOR_RGB2BGR))
        subprocess.run(["node", cli, "normalize", src, "-o", dst, "--mode", "ai", *args], check=True, stdout=subprocess.DEVNULL)
        return cv2.cvtColor(cv2.imread(dst, cv2.IMREAD_COLOR), cv2.COLOR_BGR2RGB).astype(np.float32) / 255


def chroma_gate(split):
    items = dataset.build_cache(DATA, log=lambda *x: None)
    net = load_shipped().eval()
    gates = ((0.2, 0.4), (0.3, 0.6), (0.5, 0.8))
    per = {}
    with torch.no_grad():
        for it in train.load_items([i for i in items if i["split"] == split and i["source"] in train.REAL_SOURCES]):
            for x, y in train.dev_frames([it], None):
                shipped, (curves, color) = train.run(net, x, shadows=True, lights=True, prior=virtual_bracket.SHIPPED)
                # the dark saturation no lower than the saturation: the output at every pixel's ceiling
                kept = color.clone()
                kept[:, 4] = torch.maximum(kept[:, 3], kept[:, 4])
                everywhere = applier.apply_smoothed(x, curves, net.xk, kept)
                # each pixel's saturation in light, as the applier reads it (smoothed, white-balanced)
                lc = applier.to_light(applier.white_balanced(applier.smooth_shadows(x, curves, net.xk), color))
                top = lc.amax(1, keepdim=True)
                hsv_s = (top - lc.amin(1, keepdim=True)) / top.clamp(min=1e-6)
                # the applier's output is linear in the saturation (up to its clamp to 0..1), so the gated
                # output is a per-pixel blend of the two
                outs = [shipped] + [shipped + ((hsv_s - c0) / (c1 - c0)).clamp(0, 1) * (everywhere - shipped) for c0, c1 in gates] + [everywhere]
                row = []
                for out in outs:
                    out = eight_bit(out)
                    row += [float(train.psnr(out, y)), float(train.cast(out, y)[0])]
                per.setdefault(train.dark_bin(x), []).append(row)
    print(f"{split}, real bracket frames, PSNR / cast per bin of mean log2 luminance: shipped | "
          + " | ".join(f"gate {c0}-{c1}" for c0, c1 in gates) + " | everywhere")
    rows = []
    for lo, hi in train.DARK_BINS:
        v = np.array(per.get(f"{lo}..{hi}", []))
        if len(v):
            rows.append(v)
            print(f"{lo}..{hi} ({len(v)} frames): " + " | ".join(f"{a:.2f} / {b:.2f}" for a, b in v.mean(0).reshape(-1, 2)))
    v = np.concatenate(rows)
    print(f"all ({len(v)} frames): " + " | ".join(f"{a:.2f} / {b:.3f}" for a, b in v.mean(0).reshape(-1, 2)))


# each command: (the fewest arguments after its name, how to call it with them)
COMMANDS = {
    "pair-gap": (1, lambda a: pair_gap(a[0])),
    "stats": (1, lambda a: stats(a[0])),
    "dark-cues": (1, lambda a: dark_cues(a[0])),
    "look": (1, look),
    "fit-dark": (1, fit_dark),
    "noise": (1, lambda a: noise(a[0])),
    "light": (1, lambda a: light(a[0])),
    "lift": (1, lambda a: lift(a[0])),
    "cue": (1, lambda a: cue(a[0])),
    "smooth": (1, lambda a: smooth(a[0])),
    "orient": (2, lambda a: orient(a[0], a[1:])),
    "response": (1, lambda a: response(a[0])),
    "bright": (1, lambda a: bright(a[0])),
    "pushed": (1, pushed),
    "chroma-gate": (1, lambda a: chroma_gate(a[0])),
    "fit-global": (2, lambda a: fit_global(a[0], a[1], int(a[2]) if len(a) > 2 else 6)),
}

if __name__ == "__main__":
    torch.set_num_threads(2)
    command = COMMANDS.get(sys.argv[1]) if len(sys.argv) > 1 else None
    if command is None or len(sys.argv) - 2 < command[0]:
        sys.exit(__doc__)
    command[1](sys.argv[2:])

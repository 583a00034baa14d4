"""Scores checkpoints, and the mean of their transforms (what export.py ships when given
several), on the dev frames train.py selects on: PSNR on 8-bit output, the colour cast, and
the selection score (PSNR less 0.1 dB per unit of cast). The default rule is the 160 fixed
random frames; --rule darkness is every dev frame, scored on the mean of the darkness bins'
PSNRs (train.py's "dev_rule": "darkness"), declared before the tone heads were trained.

  /usr/bin/python3 models/training/score_dev.py evenlight2 evenlight2-stage4
  /usr/bin/python3 models/training/score_dev.py evenlight2-balance5   # a head on its base: the shipped model
  /usr/bin/python3 models/training/score_dev.py evenlight2-balance6 --by-darkness   # + PSNR per darkness bin
  /usr/bin/python3 models/training/score_dev.py evenlight2-balance6 --rule darkness [--halves 71]
  /usr/bin/python3 models/training/score_dev.py evenlight2-tone7 --rule darkness-real --halves 71   # real brackets only
  /usr/bin/python3 models/training/score_dev.py evenlight2-whole23 --rule darkness-real-3 --halves 71   # the two darkest bins as one
  /usr/bin/python3 models/training/score_dev.py evenlight2-whole23 evenlight2-whole24 --histories   # both rules, from training histories
  /usr/bin/python3 models/training/score_dev.py evenlight2-whole23 --rule darkness-real --exposures 0,m1   # + a mean over exposure views
  /usr/bin/python3 models/training/score_dev.py evenlight2-whole23 --rule darkness-real --virtual 0.5 0.5f   # + the virtual bracket's prior
  /usr/bin/python3 models/training/score_dev.py evenlight2-whole23 --rule darkness-real --no-dark-wb   # as shipped from 2.13.0
  /usr/bin/python3 models/training/score_dev.py evenlight2-whole39 --rule darkness-real-3 --virtual 0.5fh --dark-lift 0.1 -5   # + a further dark lift
  /usr/bin/python3 models/training/score_dev.py evenlight2-balance6 --bias --split test   # every frame of a split
  /usr/bin/python3 models/training/score_dev.py evenlight2-tone3 --bias --split train --darken 5 9   # frames pushed darker

--by-darkness adds the PSNR of each bin of the input's mean log2 luminance: the 160 frames are
drawn at random, so the darkest bins hold few of them and the overall score barely sees them.
"""
import argparse
import json
import math
import os
import statistics
import sys

import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import applier  # noqa: E402
import dataset  # noqa: E402
import train  # noqa: E402
from export import load  # noqa: E402
from model import Dihedral, Exposures, Mean, Toned, without_dark_wb  # noqa: E402


@torch.no_grad()
def exposure_bias(cfg, net, data):
    """Per darkness bin: the median log2 ratio of the output's mean luminance to the target's
    (how much too dark or bright), the mean PSNR, and the mean PSNR after each frame's best
    single gain (least squares): how much of the error one exposure change per frame would fix.
    Through the engine's steps that cfg turns on (smoothing, hidden lights, virtual bracket)."""
    per = {f"{lo}..{hi}": [] for lo, hi in train.DARK_BINS}
    gammas = {b: [] for b in per}
    for x, y in data:
        out = torch.round(train.run(net, x, shadows=cfg.get("shadow_smooth", False), lights=cfg.get("hide_lights", False),
                                    prior=cfg.get("virtual_bracket"))[0].clamp(0, 1) * 255) / 255
        b = train.dark_bin(x)
        if isinstance(net, Toned):  # what the tone head does to this frame's curves
            thumb = train.thumbs_of(x)
            gammas[b].append(float(net.head(thumb, net.base(thumb)[0])))
        lum = [float((applier.LUMA[0] * t[:, 0] + applier.LUMA[1] * t[:, 1] + applier.LUMA[2] * t[:, 2]).mean()) for t in (out, y)]
        g = float((out * y).sum() / (out * out).sum().clamp_min(1e-9))
        per[b].append((math.log2(max(lum[0], 1e-6) / max(lum[1], 1e-6)), float(train.psnr(out, y)),
                       float(train.psnr((out * g).clamp(0, 1), y))))
    return {b: {"frames": len(v), "medianLog2Bias": statistics.median(r[0] for r in v),
                "psnr": statistics.fmean(r[1] for r in v), "psnrBestGain": statistics.fmean(r[2] for r in v),
                **({"medianGamma": statistics.median(gammas[b])} if gammas[b] else {})}
            for b, v in per.items() if v}


def history_scores(names):
    """Each run's best dev score under darkness-real and darkness-real-3, read back from its
    training history (report/<name>.metrics.json: every eval's PSNR per darkness bin and cast),
    so that the two rules can be compared on runs already made, without scoring again."""
    out = {}
    for name in names:
        with open(os.path.join(train.REPO, "models", "training", "report", f"{name}.metrics.json")) as f:
            hist = json.load(f)["history"]
        best = {}
        for rule in ("darkness-real", "darkness-real-3"):
            def score(d):
                by = d["by_darkness"]
                labels = [b for b, v in by.items() for _ in range(v["frames"])]
                psnrs = [v["psnr"] for v in by.values() for _ in range(v["frames"])]
                return train.bin_psnrs(labels, psnrs, rule == "darkness-real-3")[1] - 0.1 * d["cast"]
            h = max(hist, key=lambda h: score(h["dev"]))
            best[rule] = {"score": score(h["dev"]), "step": h["step"]}
        out[name] = best
    return out


def main(argv=None):
    ap = argparse.ArgumentParser()
    ap.add_argument("checkpoints", nargs="+")
    ap.add_argument("--data", default=os.environ.get("EVENLIGHT_DATA", os.path.join(HERE, "..", "..", "..", "shared", "data")))
    ap.add_argument("--split", default="dev")
    ap.add_argument("--by-darkness", action="store_true", help="also PSNR per bin of the input's mean log2 luminance")
    ap.add_argument("--bias", action="store_true",
                    help="instead: every frame of --split, each darkness bin's median exposure bias and PSNR at each frame's best gain")
    ap.add_argument("--darken", type=float, nargs=2, metavar=("LO", "HI"),
                    help="with --bias: each frame first pushed LO..HI stops darker with fresh sensor noise (train.darken, "
                         "seeded), so train frames the networks have not fitted stand in for unseen dark ones")
    ap.add_argument("--exposed-targets", action="store_true",
                    help="leave out brackets whose fusion is itself dark (train.EXPOSED_TARGET_LUMA), as configs with "
                         "\"exposed_targets\" train and select")
    ap.add_argument("--halves", type=int, metavar="SEED",
                    help="also the score on each half of the split's scenes (train.scene_halves with SEED)")
    ap.add_argument("--tta", type=int, nargs="*", default=[], metavar="N",
                    help="also each model averaged over its first N orientations (model.Dihedral: 2, 4 or 8)")
    ap.add_argument("--exposures", nargs="*", default=[], metavar="S,S,..",
                    help="also each model averaged over its thumbnail pushed by these stops (model.Exposures), m for minus: 0,m1")
    ap.add_argument("--shadows", action="store_true",
                    help="score through the engine's deep-shadow smoothing (applier.smooth_shadows), as the product runs")
    ap.add_argument("--lights", action="store_true",
                    help="show the network dark frames with their lights hidden (train.hide_lights), as the product does")
    ap.add_argument("--virtual", nargs="*", default=[], metavar="W[f][h]",
                    help="also each model with its curves blended W of the way toward its virtual bracket's fit "
                         "(virtual_bracket.py; f: the weight faded in with the frame's darkness; h: on the thumbnail halved)")
    ap.add_argument("--dark-lift", type=float, nargs=2, metavar=("A", "T"),
                    help="with --virtual: dark frames' curves raised further after the blend, to exp(-A * max(0, T - z)), "
                         "z the thumbnail's mean log2 luminance (train.run's prior \"lift\"; measured, not shipped)")
    ap.add_argument("--histories", action="store_true",
                    help="instead: each run's best dev score under darkness-real and darkness-real-3, from its training history")
    ap.add_argument("--virtual-only", action="store_true",
                    help="with --virtual: score only the blended rows (half the time), not each model without the blend")
    ap.add_argument("--no-dark-wb", action="store_true",
                    help="each model with its dark balance's white balance left out (export.DARK_WB: as shipped from 2.13.0)")
    ap.add_argument("--rule", choices=["random", "darkness", "darkness-real", "darkness-real-3"], default="random",
                    help="darkness: every dev frame, scored on the mean of the darkness bins' PSNRs (train.py's dev_rule); "
                         "darkness-real: the same on the real brackets' frames alone; darkness-real-3: those frames, "
                         "the two darkest bins as one")
    a = ap.parse_args(argv)
    if a.histories:
        print(json.dumps(history_scores(a.checkpoints), indent=1))
        return
    if a.darken and not a.bias:
        ap.error("--darken goes with --bias")
    if a.dark_lift and not a.virtual:
        ap.error("--dark-lift goes with --virtual")
    torch.set_num_threads(2)
    items = dataset.build_cache(a.data, log=lambda *x: None)
    # train.py's own dev frames and selection rule (L1 as the loss, the 0.1 dB cast penalty)
    rule = "darkness" if a.bias and a.rule == "random" else a.rule  # --bias: every frame of the split
    cfg = {"w_l1": 1.0, "w_cast_select": 0.1, "shadow_smooth": a.shadows, "hide_lights": a.lights, **({"dev_rule": rule} if rule != "random" else {})}
    split_items = train.load_items([i for i in items if i["split"] == a.split], a.exposed_targets)
    data = train.dev_set(cfg, split_items)
    if a.darken:
        data = train.darkened(data, a.darken)
    halves = [train.dev_set(cfg, [it for it in split_items if it["scene"] in h])
              for h in train.scene_halves([it["scene"] for it in split_items], a.halves)] if a.halves is not None else []
    loaded = {n: load(n) for n in a.checkpoints}
    nets = {n: net for n, (net, _) in loaded.items()}
    # a head on a base (its config's "base") is already a whole model: only plain networks are averaged
    plain = [n for n, (_, ck) in loaded.items() if not ck["config"].get("base")]
    if len(plain) > 1:
        nets["mean"] = Mean([nets[n] for n in plain]).eval()
    if a.no_dark_wb:
        for net in nets.values():
            without_dark_wb(net)
    for name in list(nets):
        for n in a.tta:
            nets[f"{name}+dihedral{n}"] = Dihedral(nets[name], n).eval()
        for e in a.exposures:
            nets[f"{name}+stops{e}"] = Exposures(nets[name], [float(v.replace("m", "-")) for v in e.split(",")]).eval()
    runs = [] if a.virtual and a.virtual_only else [(name, net, cfg) for name, net in nets.items()]
    for name, net in nets.items():
        for v in a.virtual:
            prior = {"weight": float(v.rstrip("fh")), "fade": "f" in v, "half": "h" in v, **({"lift": a.dark_lift} if a.dark_lift else {})}
            runs.append((f"{name}+virtual{v}" + (f"+lift{a.dark_lift[0]:g}@{a.dark_lift[1]:g}" if a.dark_lift else ""), net, {**cfg, "virtual_bracket": prior}))
    out = {}
    for name, net, cfg in runs:
        if a.bias:
            out[name] = exposure_bias(cfg, net, data)
            continue
        m = train.dev_metrics(cfg, net, data)
        out[name] = {"psnr": m["psnr"], "psnrBins": m["psnr_bins"], "cast": m["cast"], "score": train.selection_score(cfg, m),
                     "frames": len(data)}
        if a.by_darkness or a.rule != "random":
            out[name]["byDarkness"] = m["by_darkness"]
        for h in halves:
            mh = train.dev_metrics(cfg, net, h)
            out[name].setdefault("halves", []).append({"frames": len(h), "psnrBins": mh["psnr_bins"], "cast": mh["cast"],
                                                       "score": train.selection_score(cfg, mh)})
    print(json.dumps(out, indent=1))


if __name__ == "__main__":
    main()

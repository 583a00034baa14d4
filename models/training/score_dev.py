"""Scores checkpoints, and the mean of their transforms (what export.py ships when given
several), on the same 160 fixed dev frames train.py selects on: PSNR on 8-bit output, the
colour cast, and the selection score (PSNR less 0.1 dB per unit of cast).

  /usr/bin/python3 models/training/score_dev.py evenlight2 evenlight2-stage4
  /usr/bin/python3 models/training/score_dev.py evenlight2-balance5   # a head on its base: the shipped model
  /usr/bin/python3 models/training/score_dev.py evenlight2-balance6 --by-darkness   # + PSNR per darkness bin

--by-darkness adds the PSNR of each bin of the input's mean log2 luminance: the 160 frames are
drawn at random, so the darkest bins hold few of them and the overall score barely sees them.
"""
import argparse
import json
import os
import sys

import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import dataset  # noqa: E402
import train  # noqa: E402
from export import load  # noqa: E402
from applier import LUMA  # noqa: E402
from model import Mean  # noqa: E402


DARK_BINS = ((-99, -6), (-6, -4), (-4, -2.5), (-2.5, 1))  # log2(Y + 1/512): a clipped white frame is just above 0


def by_darkness(data, psnrs):
    """{"lo..hi": {"frames", "psnr"}} over bins of the input's mean log2 luminance, from the
    per-frame PSNRs train.evaluate gave for the same frames."""
    per = {f"{lo}..{hi}": [] for lo, hi in DARK_BINS}
    for (x, _), p in zip(data, psnrs):
        ly = float(torch.log2(LUMA[0] * x[:, 0] + LUMA[1] * x[:, 1] + LUMA[2] * x[:, 2] + 1 / 512).mean())
        for lo, hi in DARK_BINS:
            if lo < ly <= hi:
                per[f"{lo}..{hi}"].append(p)
    return {k: {"frames": len(v), "psnr": sum(v) / len(v) if v else None} for k, v in per.items()}


def main(argv=None):
    ap = argparse.ArgumentParser()
    ap.add_argument("checkpoints", nargs="+")
    ap.add_argument("--data", default=os.environ.get("EVENLIGHT_DATA", os.path.join(HERE, "..", "..", "..", "shared", "data")))
    ap.add_argument("--split", default="dev")
    ap.add_argument("--by-darkness", action="store_true", help="also PSNR per bin of the input's mean log2 luminance")
    a = ap.parse_args(argv)
    torch.set_num_threads(2)
    items = dataset.build_cache(a.data, log=lambda *x: None)
    data = train.dev_frames(train.load_items([i for i in items if i["split"] == a.split]), 160)
    loaded = {n: load(n) for n in a.checkpoints}
    nets = {n: net for n, (net, _) in loaded.items()}
    # a balance checkpoint (its config's "base") is already a whole model: only plain networks are averaged
    plain = [n for n, (_, ck) in loaded.items() if not ck["config"].get("base")]
    if len(plain) > 1:
        nets["mean"] = Mean([nets[n] for n in plain]).eval()
    # train.py's own dev evaluation and selection rule (L1 as the loss, the 0.1 dB cast penalty)
    cfg = {"w_l1": 1.0, "w_cast_select": 0.1}
    out = {}
    for name, net in nets.items():
        psnrs = []
        m = train.evaluate(cfg, net, data, psnrs)
        out[name] = {"psnr": m["psnr"], "cast": m["cast"], "score": train.selection_score(cfg, m), "frames": len(data)}
        if a.by_darkness:
            out[name]["byDarkness"] = by_darkness(data, psnrs)
    print(json.dumps(out, indent=1))


if __name__ == "__main__":
    main()

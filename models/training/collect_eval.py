"""Collects `evenlight eval --frames all --json` outputs into models/training/report/eval.json
(summaries only, small; export.py merges it into models/manifest.json) and prints the
model card's tables as Markdown.

  /usr/bin/python3 models/training/collect_eval.py FILE.json [FILE.json ...] [--label v1=FILE.json]

Rows of several files are merged per split (e.g. one run for as-shot/classic/ai, one for
seed-arch); `--label NAME=FILE` adds that file's ai rows as method NAME (the v1 comparison).
Runs of `eval --pairs` get their own table (the dark and the bright frame of each pair) and
leave report/eval.json as it is: the shipped figures are the whole brackets'.
"""
import json
import math
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
NAMES = {"ai": "evenlight", "seed-arch": "seed-vgg", "as-shot": "as-shot", "classic": "classic"}
BUCKETS = ["<=-3", "-3..-1", "-1..+1", "+1..+3", ">=+3"]
ORDER = ["as-shot", "classic", "seed-arch", "v1", "ai"]
LIMIT = 5


def mean(xs):
    xs = [x for x in xs if x is not None]
    return sum(xs) / len(xs) if xs else None


def summary(rows):
    """The same figures `evenlight eval` prints: means (PSNR capped at 100 dB), casts, added-cast scenes."""
    added = {r["scene"] for r in rows if r["cast"] is not None and r["cast"] > LIMIT
             and (r["inputCast"] is None or r["inputCast"] <= LIMIT)}
    with_cast = [r for r in rows if r["cast"] is not None]
    return {"frames": len(rows), "scenes": len({r["scene"] for r in rows}),
            "psnr": mean([min(100, r["psnr"]) for r in rows]), "ssim": mean([r["ssim"] for r in rows]),
            "cast": mean([r["cast"] for r in with_cast]), "inputCast": mean([r["inputCast"] for r in with_cast]),
            "castAddedScenes": len(added)}


def fmt(v, d=2):
    return "–" if v is None or (isinstance(v, float) and math.isnan(v)) else f"{v:.{d}f}"


def pairs_table(rows):
    """`eval --pairs`: each bracket's darkest and brightest frames against their own fusion."""
    for split in sorted({r["split"] for r in rows}):
        sel = [r for r in rows if r["split"] == split]
        methods = [m for m in ORDER if any(r["method"] == m for r in sel)]
        print(f"\n**{split}, pairs** ({len({r['scene'] for r in sel})} brackets' darkest and brightest frames)\n")
        print("| method | both PSNR / SSIM | cast (input) | +cast scenes | dark frame PSNR / SSIM | bright frame PSNR / SSIM |")
        print("|---|---|---|---|---|---|")
        for m in methods:
            mr = [r for r in sel if r["method"] == m]
            a, dk, br = summary(mr), summary([r for r in mr if r["frameIndex"] == 0]), summary([r for r in mr if r["frameIndex"] == 1])
            name = f"**{m}**" if m == "ai" else m
            print(f"| {name} | {fmt(a['psnr'])} / {fmt(a['ssim'], 3)} | {fmt(a['cast'])} ({fmt(a['inputCast'])}) | "
                  f"{a['castAddedScenes']}/{a['scenes']} | {fmt(dk['psnr'])} / {fmt(dk['ssim'], 3)} | {fmt(br['psnr'])} / {fmt(br['ssim'], 3)} |")


def main():
    rows = []
    pairs = set()
    for arg in sys.argv[1:]:
        label = None
        if arg.startswith("--label"):
            continue
        if "=" in arg:
            label, arg = arg.split("=", 1)
        with open(arg) as f:
            r = json.load(f)
        pairs.add(bool(r.get("pairs")))
        for row in r["rows"]:
            if label:
                if row["method"] != "ai":
                    continue
                row = {**row, "method": label}
            rows.append(row)
    if pairs == {True}:
        return pairs_table(rows)
    if True in pairs:
        sys.exit("collect_eval: pairs and whole-bracket runs mixed")
    out = {}
    for split in sorted({r["split"] for r in rows}):
        sel = [r for r in rows if r["split"] == split]
        methods = [m for m in ORDER if any(r["method"] == m for r in sel)]
        print(f"\n**{split}** ({len({r['scene'] for r in sel})} brackets, "
              f"{len([r for r in sel if r['method'] == methods[0]])} frames)\n")
        print("| method | all frames PSNR / SSIM | cast (input) | +cast scenes | middle frame PSNR / SSIM | "
              + " | ".join(f"{b} EV" for b in BUCKETS) + " |")
        print("|---|---|---|---|---|" + "---|" * len(BUCKETS))
        for m in methods:
            mr = [r for r in sel if r["method"] == m]
            a, mid = summary(mr), summary([r for r in mr if r["middle"]])
            bk = [summary([r for r in mr if r["bucket"] == b]) for b in BUCKETS]
            name = f"**{m}**" if m == "ai" else m
            print(f"| {name} | {fmt(a['psnr'])} / {fmt(a['ssim'], 3)} | {fmt(a['cast'])} ({fmt(a['inputCast'])}) | "
                  f"{a['castAddedScenes']}/{a['scenes']} | {fmt(mid['psnr'])} / {fmt(mid['ssim'], 3)} | "
                  + " | ".join(f"{fmt(b['psnr'])} ({b['frames']})" if b["frames"] else "–" for b in bk) + " |")
            key = NAMES.get(m, m)
            out.setdefault(key, {})[split] = {"all": a, "middle": mid, "buckets": dict(zip(BUCKETS, bk))}
    p = os.path.join(HERE, "report", "eval.json")
    with open(p + ".tmp", "w") as f:
        json.dump(out, f, indent=1)
    os.replace(p + ".tmp", p)


if __name__ == "__main__":
    main()

"""Collects `evenlight eval --json` outputs into models/training/report/eval.json (summaries
only, small) so export.py can put the numbers into models/manifest.json.

  /usr/bin/python3 models/training/collect_eval.py middle=FILE.json all=FILE.json [...]

Several files per frame mode are merged (e.g. one run for as-shot/classic/ai, one for seed-arch).
"""
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
NAMES = {"ai": "evenlight", "seed-arch": "seed-vgg", "as-shot": "as-shot", "classic": "classic"}


def main():
    out = {}
    for arg in sys.argv[1:]:
        mode, path = arg.split("=", 1)
        with open(path) as f:
            r = json.load(f)
        for s in r["summary"]:
            if s["split"] == "all":
                continue
            key = NAMES[s["method"]]
            out.setdefault(key, {}).setdefault(f"{s['split']}_{mode}", {
                "frames": s["n"], "psnr": round(s["psnr"], 3), "ssim": round(s["ssim"], 4),
                "maxSide": r["maxSide"]})
        if r.get("tiledVsWhole"):
            ps = [t["psnr"] for t in r["tiledVsWhole"]]
            out.setdefault("evenlight", {})[f"tiledVsWhole_{mode}"] = {
                "frames": len(ps), "minPsnr": round(min(ps), 2), "meanPsnr": round(sum(ps) / len(ps), 2)}
    p = os.path.join(HERE, "report", "eval.json")
    with open(p + ".tmp", "w") as f:
        json.dump(out, f, indent=1)
    os.replace(p + ".tmp", p)
    print(json.dumps(out, indent=1))


if __name__ == "__main__":
    main()

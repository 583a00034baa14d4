"""Trains one model from a JSON config; deterministic for a given seed and thread count.

  /usr/bin/python3 models/training/train.py --config models/training/configs/evenlight.json

Writes models/checkpoints/<name>.pt (atomically, at every evaluation) and
models/training/report/<name>.metrics.json + <name>.curves.png.
"""
import argparse
import json
import math
import os
import random
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import dataset  # noqa: E402
import model as models  # noqa: E402

REPO = os.path.abspath(os.path.join(HERE, "..", ".."))


def gauss_window(size=11, sigma=1.5):
    g = torch.exp(-((torch.arange(size, dtype=torch.float32) - size // 2) ** 2) / (2 * sigma ** 2))
    g = g / g.sum()
    return (g[:, None] * g[None, :])[None, None].repeat(3, 1, 1, 1)


WIN = gauss_window()


def ssim(x, y):
    """Wang et al. 2004 SSIM (11x11 Gaussian, sigma 1.5), per channel, valid region, mean."""
    c1, c2 = 0.01 ** 2, 0.03 ** 2
    w = WIN.to(x.device)
    mx, my = F.conv2d(x, w, groups=3), F.conv2d(y, w, groups=3)
    sxx = F.conv2d(x * x, w, groups=3) - mx * mx
    syy = F.conv2d(y * y, w, groups=3) - my * my
    sxy = F.conv2d(x * y, w, groups=3) - mx * my
    m = ((2 * mx * my + c1) * (2 * sxy + c2)) / ((mx * mx + my * my + c1) * (sxx + syy + c2))
    return m.mean(dim=(1, 2, 3))


def tv(a):
    return (a[:, :, 1:] - a[:, :, :-1]).abs().mean() + (a[:, :, :, 1:] - a[:, :, :, :-1]).abs().mean()


def psnr(x, y):
    mse = ((x - y) ** 2).mean(dim=(1, 2, 3)).clamp_min(1e-10)
    return 10 * torch.log10(1 / mse)


def loss_fn(cfg, out, aux, tgt):
    l1 = (out - tgt).abs().mean()
    loss = cfg["w_l1"] * l1 + cfg["w_tv"] * tv(aux)
    if cfg.get("w_ssim", 0) > 0:
        loss = loss + cfg["w_ssim"] * (1 - ssim(out, tgt).mean())
    return loss


def load_items(items):
    out = []
    for it in items:
        z = np.load(it["path"])
        out.append({**it, "inputs": z["inputs"], "targets": z["targets"], "thumbs": z["thumbs"]})
    return out


def augment(rng, arrs):
    k = rng.randrange(4)
    flip = rng.random() < 0.5
    res = []
    for a in arrs:
        a = np.rot90(a, k, axes=(0, 1))
        if flip:
            a = a[:, ::-1]
        res.append(a)
    return res


def sample_batch(rng, pools, weights, crop, batch):
    tiles, thumbs, tgts = [], [], []
    srcs = list(pools)
    for _ in range(batch):
        src = rng.choices(srcs, [weights.get(s, 0) for s in srcs])[0]
        it = rng.choice(pools[src])
        i = rng.randrange(len(it["inputs"]))
        inp, tgt, th = it["inputs"][i], it["targets"][i], it["thumbs"][i]
        h, w = inp.shape[:2]
        c = min(crop, h, w)
        y0, x0 = rng.randrange(h - c + 1), rng.randrange(w - c + 1)
        inp, tgt = inp[y0:y0 + c, x0:x0 + c], tgt[y0:y0 + c, x0:x0 + c]
        if c < crop:  # tiny images: resize up so the batch stacks
            import cv2
            inp, tgt = cv2.resize(inp, (crop, crop)), cv2.resize(tgt, (crop, crop))
        # the same rotation/flip for tile, target and thumbnail keeps context consistent
        inp, tgt, th = augment(rng, [inp, tgt, th])
        tiles.append(inp), tgts.append(tgt), thumbs.append(th)
    f = lambda xs: torch.from_numpy(np.ascontiguousarray(np.stack(xs))).permute(0, 3, 1, 2).float() / 255
    return f(tiles), f(thumbs), f(tgts)


def dev_set(items, n=96, size=224, seed=0):
    """Fixed dev crops: centre 224x224 of up to n dev frames (both models see the same pixels)."""
    rng = random.Random(seed)
    cands = [(it, i) for it in items for i in range(len(it["inputs"]))]
    rng.shuffle(cands)
    tiles, thumbs, tgts = [], [], []
    for it, i in cands[:n]:
        inp, tgt = it["inputs"][i], it["targets"][i]
        h, w = inp.shape[:2]
        if min(h, w) < size:
            continue
        y0, x0 = (h - size) // 2, (w - size) // 2
        tiles.append(inp[y0:y0 + size, x0:x0 + size]), tgts.append(tgt[y0:y0 + size, x0:x0 + size])
        thumbs.append(it["thumbs"][i])
    f = lambda xs: torch.from_numpy(np.stack(xs)).permute(0, 3, 1, 2).float() / 255
    return f(tiles), f(thumbs), f(tgts)


@torch.no_grad()
def evaluate(cfg, net, data, bs=16):
    net.eval()
    tiles, thumbs, tgts = data
    ls, ps, ss = [], [], []
    for s in range(0, len(tiles), bs):
        x, t, y = tiles[s:s + bs], thumbs[s:s + bs], tgts[s:s + bs]
        out, aux = net(x, t)
        out = torch.round(out.clamp(0, 1) * 255) / 255  # metrics on 8-bit output, like the product
        ls.append(float(loss_fn(cfg, out, aux, y)) * len(x))
        ps += psnr(out, y).tolist()
        ss += ssim(out, y).tolist()
    net.train()
    return {"loss": sum(ls) / len(ps), "psnr": float(np.mean(ps)), "ssim": float(np.mean(ss))}


def save_atomic(obj, path):
    tmp = path + ".tmp"
    torch.save(obj, tmp)
    os.replace(tmp, path)


def plot(hist, path, title):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    fig, ax = plt.subplots(1, 3, figsize=(12, 3.2))
    st = [h["step"] for h in hist]
    for j, key in enumerate(["loss", "psnr", "ssim"]):
        ax[j].plot(st, [h["train"][key] for h in hist], label="train")
        ax[j].plot(st, [h["dev"][key] for h in hist], label="dev")
        ax[j].set_title(f"{title}: {key}")
        ax[j].set_xlabel("step")
        ax[j].legend()
    fig.tight_layout()
    fig.savefig(path + ".tmp.png", dpi=80)
    os.replace(path + ".tmp.png", path)
    plt.close(fig)


def main(argv=None):
    ap = argparse.ArgumentParser()
    ap.add_argument("--config", required=True)
    ap.add_argument("--data", default=os.environ.get("EVENLIGHT_DATA", os.path.join(REPO, "..", "shared", "data")))
    ap.add_argument("--steps", type=int, help="override the config's step count")
    ap.add_argument("--out-dir", default=REPO, help="where models/checkpoints and report go (smoke test: a temp dir)")
    ap.add_argument("--max-items", type=int, default=0, help="use only this many training scenes (smoke test)")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--init", help="start from this checkpoint's weights (fine-tuning stage)")
    ap.add_argument("--stop-after", type=int, default=0,
                    help="stop after this step without changing the LR schedule (reproduces a run cut at a deadline)")
    a = ap.parse_args(argv)
    with open(a.config) as f:
        cfg = json.load(f)
    if a.steps:
        cfg["steps"] = a.steps
    torch.set_num_threads(a.threads)
    torch.manual_seed(cfg["seed"])
    rng = random.Random(cfg["seed"])
    dev = torch.device("cuda" if torch.cuda.is_available() else "cpu")

    items = dataset.build_cache(a.data)
    train_items = [i for i in items if i["split"] == "train"]
    dev_items = [i for i in items if i["split"] == "dev"]
    if a.max_items:
        train_items = train_items[:a.max_items]
        dev_items = train_items  # smoke test: fit a tiny set
    train_items, dev_items = load_items(train_items), load_items(dev_items)
    pools = {}
    for it in train_items:
        pools.setdefault(it["source"], []).append(it)
    weights = cfg["source_weights"]
    devd = dev_set(dev_items, n=16 if a.max_items else 96)
    # a fixed slice of training frames, measured exactly like dev, for the train curve
    traind = dev_set(train_items, n=16 if a.max_items else 96, seed=1)

    net = models.build(cfg).to(dev)
    if a.init:
        net.load_state_dict(torch.load(a.init, map_location=dev)["state_dict"])
    opt = torch.optim.Adam(net.parameters(), lr=cfg["lr"])
    steps = cfg["steps"]
    sched = torch.optim.lr_scheduler.LambdaLR(
        opt, lambda s: (cfg["lr_final"] / cfg["lr"]) ** (s / max(1, steps)))
    ck_dir = os.path.join(a.out_dir, "models", "checkpoints")
    rep_dir = os.path.join(a.out_dir, "models", "training", "report")
    os.makedirs(ck_dir, exist_ok=True)
    os.makedirs(rep_dir, exist_ok=True)
    hist, t0, run_loss = [], time.time(), []
    n_train_pairs = sum(len(i["inputs"]) for i in train_items)
    print(f"{cfg['name']}: {models.n_params(net)} params, {len(train_items)} train scenes / {n_train_pairs} pairs, "
          f"device {dev}", flush=True)
    for step in range(1, steps + 1):
        x, t, y = (v.to(dev) for v in sample_batch(rng, pools, weights, cfg["crop"], cfg["batch"]))
        out, aux = net(x, t)
        loss = loss_fn(cfg, out, aux, y)
        opt.zero_grad()
        loss.backward()
        opt.step()
        sched.step()
        run_loss.append(float(loss))
        if step % cfg["eval_every"] == 0 or step == steps:
            tr = evaluate(cfg, net, [v.to(dev) for v in traind])
            dv = evaluate(cfg, net, [v.to(dev) for v in devd])
            tr["batch_loss"] = float(np.mean(run_loss))
            run_loss = []
            hist.append({"step": step, "minutes": (time.time() - t0) / 60, "train": tr, "dev": dv})
            print(f"step {step} {hist[-1]['minutes']:.1f} min train loss {tr['batch_loss']:.4f} "
                  f"psnr {tr['psnr']:.2f} | dev loss {dv['loss']:.4f} psnr {dv['psnr']:.2f} ssim {dv['ssim']:.4f}",
                  flush=True)
            save_atomic({"config": cfg, "state_dict": net.state_dict(), "step": step},
                        os.path.join(ck_dir, f"{cfg['name']}.pt"))
            metrics = {"name": cfg["name"], "config": cfg, "params": models.n_params(net),
                       "device": str(dev), "threads": a.threads, "train_pairs": n_train_pairs,
                       "train_scenes": len(train_items), "history": hist}
            with open(os.path.join(rep_dir, f"{cfg['name']}.metrics.json.tmp"), "w") as f:
                json.dump(metrics, f, indent=1)
            os.replace(os.path.join(rep_dir, f"{cfg['name']}.metrics.json.tmp"),
                       os.path.join(rep_dir, f"{cfg['name']}.metrics.json"))
            plot(hist, os.path.join(rep_dir, f"{cfg['name']}.curves.png"), cfg["name"])
            if a.stop_after and step >= a.stop_after:
                break
    return hist


if __name__ == "__main__":
    main()

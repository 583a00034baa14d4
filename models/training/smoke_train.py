"""Training smoke test (called by test/models/training-smoke.test.ts): builds pairs from one
real bracket in memory (no cache), fits each architecture to one fixed batch of random crops
for a few steps (the classic "can it overfit one batch" check of the whole loss/gradient
path, through the applier twin for evenlight2) and prints JSON with the loss on that batch
before and after. The loss must fall; a frozen base (the heads') must not move.

  /usr/bin/python3 models/training/smoke_train.py DATA_DIR [--steps 40] [--evenlight2-lr 0.002]
"""
import argparse
import json
import os
import random
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
from export import SHIPPED, base_of, shipped_base  # noqa: E402

SCENES = ["brackets_sice/sice_001"]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("data")
    ap.add_argument("--steps", type=int, default=40)
    ap.add_argument("--evenlight2-lr", type=float, default=0.002)
    a = ap.parse_args()
    torch.set_num_threads(1)  # one thread: no OpenMP spin-waits on a shared, loaded machine
    t0 = time.time()
    items = []
    for sid in SCENES:
        sdir = os.path.join(a.data, sid)
        with open(os.path.join(sdir, "scene.json")) as f:
            sj = json.load(f)
        items.append({"scene": sid, "source": "brackets_sice", "groups": dataset.build_bracket(sdir, sj)})
    pools = {"brackets_sice": items}
    out = {"scenes": SCENES, "steps": a.steps, "models": {}}
    shipped = shipped_base()
    # evenlight2 at 2e-3, every recipe's LR: at 5e-3 (this check's LR before 2.9.0) the gain in light
    # let the curves overshoot until every pixel was capped and the loss stuck (MODEL_CARD.md)
    for cfg in ({"arch": "evenlight2", "lr": a.evenlight2_lr, "size": 96, "w_l1": 1, "w_tv": 0.02, "w_ssim": 0.2},
                {"arch": "evenlight2-balance", "base": shipped, "lr": 0.01, "size": 96, "w_l1": 1, "w_cast": 0.05},
                {"arch": "evenlight2-tone", "base": shipped, "lr": 0.01, "size": 96, "w_l1": 1, "shadow_smooth": True},
                {"arch": "seed-vgg", "width_div": 16, "lr": 0.01, "size": 64, "w_l1": 1, "w_tv": 0, "w_ssim": 0}):
        torch.manual_seed(0)
        net = models.build(cfg)
        held = train.sample_batch(random.Random(99), pools, {"brackets_sice": 1}, cfg["size"], 8)
        opt = torch.optim.Adam([p for p in net.parameters() if p.requires_grad], lr=cfg["lr"])
        prefix = getattr(net, "frozen_prefix", None)
        frozen = {k: v.clone() for k, v in net.state_dict().items() if prefix and k.startswith(prefix)}

        def held_loss():
            with torch.no_grad():
                o, aux = train.run(net, held[0], shadows=cfg.get("shadow_smooth", False))
                return float(train.loss_fn(cfg, o, aux, held[1]))

        before = held_loss()
        for _ in range(a.steps):
            o, aux = train.run(net, held[0], shadows=cfg.get("shadow_smooth", False))  # the engine's smoothing too
            loss = train.loss_fn(cfg, o, aux, held[1])
            opt.zero_grad()
            loss.backward()
            opt.step()
        moved = sum(not torch.equal(v, net.state_dict()[k]) for k, v in frozen.items())
        out["models"][cfg["arch"]] = {"before": before, "after": held_loss(), "frozenMoved": moved, "frozen": len(frozen)}
        if cfg["arch"] == "evenlight2-tone":
            out["headInit"] = head_init_check(cfg, net, held[0])
    out["loader"] = loader_check(pools)
    out["darken"] = darken_check(pools)
    out["toe"] = toe_check(a.data)
    out["lamps"] = lamps_check()
    out["upright"] = upright_check()
    out["ema"] = ema_check()
    out["pairs"] = pair_check(items[0])
    out["dihedral"] = dihedral_check()
    out["exposures"] = exposures_check()
    out["lit"] = lit_check()
    out["gate"] = gate_check()
    out["realRule"] = real_rule_check(items)
    out["prior"] = prior_check()
    out["bias"] = bias_check(items[0])
    out["seconds"] = time.time() - t0
    print(json.dumps(out))


def head_init_check(cfg, net, x):
    """train.py --init from a head's checkpoint (the head alone, train.trained_state): a fresh head
    on the same base answers as the trained one; a fresh head without it does not."""
    torch.manual_seed(1)
    fresh = models.build(cfg)
    with torch.no_grad():
        before = float((train.run(fresh, x)[0] - train.run(net, x)[0]).abs().max())
        train.init_from(fresh, cfg, train.trained_state(net), "smoke")
        after = float((train.run(fresh, x)[0] - train.run(net, x)[0]).abs().max())
    return {"before": before, "after": after, "keys": len(train.trained_state(net))}


def prior_check():
    """Training through the virtual bracket's prior (train.run prior): the fit is a constant to
    autograd, so the gradient reaching the network's curves is theirs scaled by 1 - w, w faded in
    with the frame's push; and a config's "dark_wb": false builds the base as 2.13.0 ships it."""
    import virtual_bracket
    net = models.build({"arch": "evenlight2-tone", "base": list(SHIPPED), "dark_wb": False})  # on 2.13.0's whole model
    nprng = np.random.default_rng(3)
    r = torch.from_numpy(nprng.random((2, 3, 32, 32)).astype(np.float32))
    thumb = torch.stack([r[0] * 0.08, 0.6 + 0.4 * r[1]])  # far below mid-grey, and above it (no blend)
    curves = torch.rand(2, net.xk.numel(), 14, 14).cumsum(1).div(net.xk.numel()).requires_grad_()
    color = torch.tensor([[1.0, 1.0, 1.0, 1.0, 1.0, 0.05]] * 2)
    out = virtual_bracket.prior_curves(thumb, curves, color, net.xk, 0.5, True, True)
    out.sum().backward()
    pushes = [virtual_bracket.push_stops(dataset.srgb_to_lin(t.double().numpy()))
              for t in torch.nn.functional.avg_pool2d(thumb, 2)]
    want = [1 - 0.5 * min(max(p / virtual_bracket.FADE_STOPS, 0), 1) for p in pushes]
    return {"gradError": max(float((curves.grad[i] - want[i]).abs().max()) for i in range(2)), "weights": [1 - w for w in want],
            "darkWb": [m.dark_wb for m in net.modules() if isinstance(m, models.Balanced)]}


def bias_check(it):
    """score_dev.py --bias runs the engine's steps its flags name: a dark frame's exposure bias
    differs with the virtual bracket (and the smoothing) from the network's alone."""
    import score_dev
    net = models.build({"arch": "evenlight2-tone", "base": list(SHIPPED), "dark_wb": False}).eval()
    frames, tgt = it["groups"][0]
    x = train.to_t([frames[0][:96, :128]]) * 0.1  # far below mid-grey: the prior blends in
    y = train.to_t([tgt[:96, :128]])
    alone = score_dev.exposure_bias({}, net, [(x, y)])
    engine = score_dev.exposure_bias({"shadow_smooth": True, "hide_lights": True,
                                      "virtual_bracket": {"weight": 0.5, "fade": True, "half": True}}, net, [(x, y)])
    (b, a), = alone.items()
    return {"alone": a["medianLog2Bias"], "engine": engine[b]["medianLog2Bias"]}


def darken_check(pools):
    """train.py's darken augmentation: the same crop, two stops down in linear light, comes out
    darker and 8-bit; its target is untouched."""
    w = {"brackets_sice": 1}
    x, y = train.sample_arrays(random.Random(5), pools, w, 64, 1)
    xd, yd = train.sample_arrays(random.Random(5), pools, w, 64, 1, {"darken": {"p": 1, "stops": [2, 2]}})
    # "to_below": pushed at least far enough to land there, however bright the crop was
    z = train.mean_log2_luma(train.to_t([x[0]]))
    xb, _ = train.sample_arrays(random.Random(5), pools, w, 64, 1, {"darken": {"p": 1, "stops": [0, 7], "to_below": z - 3}})
    # brighten: the darkened crop (this one is nearly white as drawn) two stops up again
    xu = train.brighten(random.Random(5), xd[0], {"p": 1, "stops": [2, 2]})
    _, yu = train.sample_arrays(random.Random(5), pools, w, 64, 1, {"brighten": {"p": 1, "stops": [2, 2]}})
    return {"ratio": float(xd.mean()) / float(x.mean()), "dtype": str(xd.dtype), "targetSame": bool((y == yd).all()),
            "before": z, "below": train.mean_log2_luma(train.to_t([xb[0]])),
            "up": float(xu.mean()) / float(xd.mean()), "upMax": int(xu.max()), "upTargetSame": bool((y == yu).all())}


def toe_check(data):
    """dataset.camera_toe (the train brackets' Debevec responses over sRGB) and darken through it:
    the ratio at codes 10, 21 and 128, the toe's round trip, and a flat crop at code 64 shot four
    stops darker through sRGB and through the toe."""
    toe = dataset.camera_toe(data)
    x = np.linspace(0, 1, 257)
    trip = float(np.abs(dataset.lin_to_camera(dataset.camera_to_lin(x, toe), toe) - x).max())
    crop = np.full((16, 16, 3), 64, np.uint8)
    train.CAMERA_TOE = toe
    try:
        srgb = float(train.darken(random.Random(1), crop, {"p": 1, "stops": [4, 4]}).mean())
        cam = float(train.darken(random.Random(1), crop, {"p": 1, "stops": [4, 4], "response": "camera"}).mean())
    finally:
        train.CAMERA_TOE = None
    return {"at10": float(toe[10]), "at21": float(toe[21]), "at128": float(toe[128]), "trip": trip, "srgb": srgb, "camera": cam}


def upright_check():
    """train.crop_resize's orientations: a frame bright at the top and dark at the bottom stays
    so in every upright crop (mirrored left-right at most, input and target alike), and is
    turned in some of the default ones."""
    x = np.repeat(np.repeat(np.linspace(255, 0, 48).astype(np.uint8)[:, None, None], 64, axis=1), 3, axis=2)

    def kept(upright, seed):
        i, t = train.crop_resize(random.Random(seed), x, x, 32, upright)
        return bool((i == t).all() and i[:8].mean() > i[-8:].mean() + 40 and abs(float(i[:, :8].mean()) - float(i[:, -8:].mean())) < 1)
    return {"upright": sum(kept(True, s) for s in range(16)), "turned": 16 - sum(kept(False, s) for s in range(16))}


def ema_check():
    """train.py's "ema": the running mean moves a share (1 - decay) of the way to the weights, and
    swap_in puts it in the network and gives back what was there, to be swapped back after."""
    w = torch.nn.Parameter(torch.tensor([1.0, 2.0]))
    ema = [w.detach().clone()]
    with torch.no_grad():
        w.add_(torch.tensor([1.0, -2.0]))  # a step: w = [2, 0]
    train.ema_update(ema, [w], 0.75)  # 0.75 * [1, 2] + 0.25 * [2, 0]
    held = train.swap_in([w], ema)
    swapped = w.detach().tolist()
    train.swap_in([w], held)
    return {"mean": ema[0].tolist(), "swapped": swapped, "back": w.detach().tolist()}


def lamps_check():
    """train.py's lamps augmentation: the same discs in the input and its target, at full scale
    at the core (where the input's lamp is, the target's is), nothing made darker anywhere, and
    the pixels far from every lamp untouched."""
    nprng = np.random.default_rng(4)
    x = (nprng.random((96, 96, 3)) * 30).astype(np.uint8)
    y = (nprng.random((96, 96, 3)) * 150 + 50).astype(np.uint8)
    xl, yl = train.lamps(random.Random(9), x, y, {"p": 1, "count": [2, 2], "radius": [0.05, 0.05]})
    cx = (xl.max(axis=2) >= 250)
    cy = (yl.max(axis=2) >= 250)
    return {"core": int(cx.sum()), "coreInTarget": bool((cx <= cy).all()), "neverDarker": bool((xl >= x).all() and (yl >= y).all()),
            "farUntouched": float(((xl == x).all(axis=2)).mean()), "off": bool((train.lamps(random.Random(9), x, y, {"p": 0, "count": [1, 1], "radius": [0.05, 0.05]})[0] == x).all())}


def pair_check(it):
    """train.py's pair pool: a bracket's darkest and brightest frames, with their own fusion as
    the target (not the whole bracket's); a bracket of two frames is already a pair."""
    (frames, tgt), = train.pair_groups(it)
    lum = [train.mean_log2_luma(train.to_t([f])) for f in it["groups"][0][0]]
    plum = [train.mean_log2_luma(train.to_t([f])) for f in frames]
    two = {**it, "groups": [(it["groups"][0][0][:2], it["groups"][0][1])]}
    return {"frames": len(frames), "extremes": plum == [min(lum), max(lum)],
            "ownFusion": bool((tgt == dataset.mertens(list(frames))).all()),
            "wholeDiffers": bool((tgt != it["groups"][0][1]).any()), "twoFrameNone": train.pair_groups(two) is None}


def random_network(seed):
    """A v2 network with random weights (not the identity it starts as), in eval mode."""
    torch.manual_seed(seed)
    net = models.build({"arch": "evenlight2"})
    with torch.no_grad():
        for m in net.modules():
            if isinstance(m, (torch.nn.Conv2d, torch.nn.Linear)):
                m.weight.normal_(0, 0.05)
                m.bias.normal_(0, 0.05)
    return net.eval()


def dihedral_check():
    """model.Dihedral (the orientation mean score_dev.py --tta scores; not shipped): `turn` is rot90; one orientation is the
    network itself; and the mean over a group of orientations answers a mirrored thumbnail with
    the mirrored grid (the same colour step), which no single orientation of a network does."""
    net = random_network(3)
    x = torch.rand(2, 3, 224, 224)
    turns = all(torch.equal(models.turn(x, k), torch.rot90(x, k, dims=(2, 3))) for k in range(-3, 5))
    with torch.no_grad():
        c1, k1 = net(x)
        d1, e1 = models.Dihedral(net, 1)(x)
        c4, k4 = models.Dihedral(net, 4)(x)
        m4, n4 = models.Dihedral(net, 4)(torch.flip(x, dims=(3,)))
        mc, _ = net(torch.flip(x, dims=(3,)))
    return {"turnIsRot90": turns, "oneIsNetwork": bool(torch.equal(c1, d1) and torch.equal(k1, e1)),
            "mirrorError": float((m4 - torch.flip(c4, dims=(3,))).abs().max()), "colorError": float((n4 - k4).abs().max()),
            "networkMirrorError": float((mc - torch.flip(c1, dims=(3,))).abs().max())}


def lit_check():
    """train.add_lit_pool: of a dark frame with a lamp, the same frame without it, and a bright
    frame with it, only the first joins the pool; the dark pool is not drawn into it; the pool
    takes its share of the batch."""
    dark = np.full((64, 64, 3), 20, np.uint8)  # mean log2 luminance about -3.7
    lamp = dark.copy()
    lamp[10:14, 10:14] = 255  # 0.4 % clipped
    bright = np.full((64, 64, 3), 160, np.uint8)
    bright[10:14, 10:14] = 255
    tgt = np.full((64, 64, 3), 120, np.uint8)
    pools = {"brackets": [{"groups": [(np.stack([lamp, dark, bright]), tgt)]}], "dark": [{"groups": [([lamp], tgt)]}]}
    weights = {"brackets": 0.5, "dark": 0.5}
    train.add_lit_pool(pools, weights, {"share": 0.2, "between": [-4.5, -1], "clipped": [0.002, 0.3]})
    picked = [g[0][0] for it in pools["lit"] for g in it["groups"]]
    return {"frames": len(picked), "isLamp": bool(len(picked) == 1 and (picked[0] == lamp).all()),
            "share": weights["lit"] / sum(weights.values())}


def exposures_check():
    """model.Exposures (the exposure mean score_dev.py --exposures scores; not shipped): one
    unpushed view is the network itself; a view pushed s stops is read back where it holds each
    knot (checked against applier.tone on a strip of those luminances); the mean stays monotone."""
    net = random_network(5)
    x = torch.rand(2, 3, 224, 224) ** 2
    with torch.no_grad():
        c0, k0 = net(x)
        e0, f0 = models.Exposures(net, [0])(x)
        e1, _ = models.Exposures(net, [-1])(x)
        view, _ = net(applier.lin_to_srgb(applier.srgb_to_lin(x) * 0.5))
        m, _ = models.Exposures(net, [0, -1, 1])(x)
    # the view's curves at the pushed knots, through the applier's own lookup, cell (3, 5)
    u = applier.lin_to_srgb(applier.srgb_to_lin(net.xk) * 0.5)
    looked = applier.tone(view[:, :, 3:4, 5:6], net.xk, u.expand(2, 1, 1, -1).contiguous())[:, 0, 0]
    return {"oneIsNetwork": float(max((c0 - e0).abs().max(), (k0 - f0).abs().max())),  # sRGB there and back: not bit for bit
            "readBackError": float((e1[:, :, 3, 5] - looked).abs().max()),
            "monotone": bool((m[:, 1:] >= m[:, :-1] - 1e-6).all())}


def real_rule_check(items):
    """train.dev_set under the "darkness-real" rule: every frame of the real brackets, none of a
    synthetic source; "darkness" takes them all, "darkness-real-3" what "darkness-real" takes. Its
    score: one frame at <= -6 (10 dB) and three at -6..-4 (20 dB) make one bin of 17.5 dB."""
    mixed = items + [{**items[0], "scene": "photo", "source": "photos"}]
    out = {name: len(train.dev_set({"dev_rule": name}, mixed)) for name in ("darkness", "darkness-real", "darkness-real-3")}
    labels = ["-99..-6"] + ["-6..-4"] * 3 + ["-4..-2.5", "-2.5..1"]
    psnrs = [10, 20, 20, 20, 24, 30]
    out["binsMerged"] = train.bin_psnrs(labels, psnrs, merge_darkest=True)[1]
    out["bins"] = train.bin_psnrs(labels, psnrs)[1]
    return out


def gate_check():
    """model.GatedTone: a flat thumbnail two stops above the gate takes (almost) the frozen
    head's exponent, one four stops below it the dark head's; the frozen head is not trained."""
    tone = next(n for n in base_of(SHIPPED[0]) + list(SHIPPED) if models.read_checkpoint(n)["config"]["arch"] == "evenlight2-tone")
    cfg = {"arch": "evenlight2-gated-tone", "base": models.read_checkpoint(tone)["config"]["base"], "above": tone,
           "gate": {"below": -4.0, "width": 0.5}}
    torch.manual_seed(4)
    net = models.build(cfg)
    with torch.no_grad():
        net.head.dark.mlp[-1].weight.normal_(0, 0.5)  # a dark head that is not the identity
    out = {"frozenTrainable": sum(p.requires_grad for p in net.head.above.parameters())}
    with torch.no_grad():
        for key, z in (("bright", -2.0), ("dark", -8.0)):
            thumb = torch.full((1, 3, 224, 224), 2 ** z - 1 / 512)  # a flat grey whose mean log2(Y + 1/512) is z
            curves, _ = net.base(thumb)
            g, ga, gd = (torch.log(h(thumb, curves)).item() for h in (net.head, net.head.above, net.head.dark))
            out[key] = {"z": float(models.log2_luma(thumb).mean()), "fromAbove": (g - gd) / (ga - gd)}
    return out


def first_batch(pools, seed, workers):
    it = iter(torch.utils.data.DataLoader(train.Batches(seed, pools, {"brackets_sice": 1}, 64, 4, None),
                                          batch_size=None, num_workers=workers))
    return next(it)


def loader_check(pools):
    """train.py --workers: batches drawn in a DataLoader worker are uint8 [B,H,W,3] pairs, the
    same for the same seed, and another seed draws others."""
    a, b, c = first_batch(pools, 1, 1), first_batch(pools, 1, 1), first_batch(pools, 2, 1)
    return {"shape": list(a[0].shape), "dtype": str(a[0].dtype), "sameSeedEqual": all(torch.equal(x, y) for x, y in zip(a, b)),
            "otherSeedDiffers": not torch.equal(a[0], c[0])}


if __name__ == "__main__":
    main()

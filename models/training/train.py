"""Trains one model from a JSON config; deterministic for a given seed and thread count.

  /usr/bin/python3 models/training/train.py --config models/training/configs/evenlight2.json
  (on a lent GPU: models/training/gpu_train.sh, i.e. --device cuda --workers 2 --lr-by-time)

evenlight2 (the shipped model): the network sees a 224x224 thumbnail of the photo and predicts
a transform; applier.py (the twin of the TypeScript applier) applies it to the photo's pixels
and the loss is taken there, against the bracket's Mertens fusion (or the original photo).
seed-vgg (the seed's architecture, a baseline): image to image on the same pairs.

Writes models/checkpoints/<name>.pt (atomically, the best dev score so far: PSNR, less
w_cast_select dB per unit of colour cast when the config sets it) and
models/training/report/<name>.metrics.json + <name>.curves.png.
"""
import argparse
import json
import os
import random
import sys
import time

import cv2
import numpy as np
import torch
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import applier  # noqa: E402
import dataset  # noqa: E402
import model as models  # noqa: E402
import virtual_bracket  # noqa: E402

REPO = os.path.abspath(os.path.join(HERE, "..", ".."))
THUMB = 224


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


def psnr(x, y):
    mse = ((x - y) ** 2).mean(dim=(1, 2, 3)).clamp_min(1e-10)
    return 10 * torch.log10(1 / mse)


# sRGB (D65) -> CIELAB, as electron/engine/metrics/cast.ts measures the colour cast
RGB2XYZ = torch.tensor([[0.4124564, 0.3575761, 0.1804375],
                        [0.2126729, 0.7151522, 0.0721750],
                        [0.0193339, 0.1191920, 0.9503041]])
WHITE = torch.tensor([0.95047, 1.0, 1.08883])


def lab(x):
    """x [N,3,H,W] sRGB 0..1 -> L*, a*, b* [N,3,H,W] (differentiable)."""
    lin = applier.srgb_to_lin(x)
    xyz = torch.einsum("ij,njhw->nihw", RGB2XYZ.to(x.device), lin) / WHITE.to(x.device)[None, :, None, None]
    f = torch.where(xyz > 216 / 24389, xyz.clamp(min=216 / 24389) ** (1 / 3), (24389 / 27 * xyz + 16) / 116)
    return torch.stack([116 * f[:, 1] - 16, 500 * (f[:, 0] - f[:, 1]), 200 * (f[:, 1] - f[:, 2])], dim=1)


def cast(out, tgt, min_px=16):
    """Per image |mean (a*, b*) shift| of out against tgt on tgt's near-neutral mid-tones
    (chroma < 8, 15 < L* < 95): the issue's cast metric, differentiable in out. Images without
    such pixels score 0."""
    lt, lo = lab(tgt), lab(out)
    mask = ((lt[:, 1] ** 2 + lt[:, 2] ** 2 < 64) & (lt[:, 0] > 15) & (lt[:, 0] < 95)).float()
    n = mask.sum(dim=(1, 2))
    d = ((lo[:, 1:] - lt[:, 1:]) * mask[:, None]).sum(dim=(2, 3)) / n.clamp(min=1)[:, None]
    c = torch.sqrt((d ** 2).sum(1) + 1e-6)
    return torch.where(n >= min_px, c, torch.zeros_like(c))


def thumbs_of(x, lights=False):
    """The network's view: the photo area-resized to 224x224, aspect ignored (as the TS engine does);
    lights: with a dark frame's lights hidden, as the engine shows it (hide_lights)."""
    t = F.adaptive_avg_pool2d(x, (THUMB, THUMB))
    return hide_lights(t) if lights else t


# The twin of electron/engine/normalize/meter-lights.ts: in a dark frame a clipped pixel is a light
# source, which the network would read as over-exposure and hold the whole frame darker
LIGHT_CLIPPED = 0.98
LIGHT_DARK_LOG2 = -3.5
LIGHT_MAX_SHARE = 0.3


def hide_lights(t, dark_log2=LIGHT_DARK_LOG2):
    """Thumbnails [N,3,H,W]: in each whose mean log2(Y + 1/512) is at most dark_log2 and
    whose clipped share (brightest channel >= LIGHT_CLIPPED) is above 0 and at most
    LIGHT_MAX_SHARE, the clipped pixels set to the median luminance (the lower middle) of the rest
    (dark_log2=inf: in any frame, for oracle_check.py look)."""
    luma = torch.tensor(applier.LUMA, dtype=t.dtype, device=t.device)[None, :, None, None]
    y = (t * luma).sum(1, keepdim=True)
    out = []
    for ti, yi in zip(t, y):
        c = ti.amax(0, keepdim=True) >= LIGHT_CLIPPED
        share = float(c.float().mean())
        dark = float(torch.log2(yi + 1 / 512).mean()) <= dark_log2
        hide = dark and 0 < share <= LIGHT_MAX_SHARE and share < 1
        out.append(torch.where(c, yi[~c].median().expand_as(ti), ti) if hide else ti)
    return torch.stack(out)


def run(net, x, loss_x=None, shadows=False, lights=False, prior=None):
    """Model output at x's resolution (or loss_x's: the same photo smaller, where the loss is
    taken; the transform is resolution-free), and the auxiliary tensor the smoothness term reads.
    shadows: the engine's deep-shadow smoothing before the transform (config "shadow_smooth");
    lights: a dark frame's lights hidden from the network (config "hide_lights");
    prior: {"weight": w, "fade": bool, "half": bool, "lift": [a, t] or absent}, the curves blended toward the
    virtual bracket's fit (virtual_bracket.py; config "virtual_bracket"; the fit is a constant to autograd), then
    raised to exp(-a * max(0, t - z)), z the thumbnail's mean log2 luminance (model.DarkLift's form), with "lift"."""
    if getattr(net, "kind", "") == "evenlight2":  # a CurveNet, or the mean of several (export.Mean)
        thumb = thumbs_of(x)
        curves, color = net(hide_lights(thumb) if lights else thumb)
        if prior:
            curves = virtual_bracket.prior_curves(thumb, curves, color, net.xk, prior["weight"], prior.get("fade", False),
                                                  prior.get("half", False))
            if prior.get("lift"):  # [a, t]: dark frames lifted further after the blend (measured, not shipped: MODEL_CARD.md)
                lift = models.DarkLift()
                lift.a.fill_(prior["lift"][0])
                lift.t.fill_(prior["lift"][1])
                curves = models.raise_curves(curves, lift(thumb))
        step = applier.apply_smoothed if shadows else applier.apply
        return step(x if loss_x is None else loss_x, curves, net.xk, color), (curves, color)
    out, _ = net(x)
    return out, (out, None)


def smooth(curves):
    """Total variation of the curve grid between neighbouring cells (halos come from steps there)."""
    return (curves[:, :, 1:] - curves[:, :, :-1]).abs().mean() + (curves[:, :, :, 1:] - curves[:, :, :, :-1]).abs().mean()


def log_mse(out, tgt, eps=1e-4):
    """Mean over images of ln(MSE + eps): the eval's mean PSNR up to scale (1 dB on any frame
    counts the same), where a batch-wide L1 lets the darkest frames' large errors outweigh the
    relative errors of well-exposed ones. eps caps a frame's pull at 40 dB."""
    return torch.log(((out - tgt) ** 2).mean(dim=(1, 2, 3)) + eps).mean()


def loss_fn(cfg, out, aux, tgt):
    loss = cfg["w_l1"] * (out - tgt).abs().mean()
    if cfg.get("w_log_mse", 0) > 0:
        loss = loss + cfg["w_log_mse"] * log_mse(out, tgt)
    if cfg.get("w_ssim", 0) > 0:
        loss = loss + cfg["w_ssim"] * (1 - ssim(out, tgt).mean())
    if cfg.get("w_tv", 0) > 0:
        loss = loss + cfg["w_tv"] * smooth(aux[0])  # the curve grid (evenlight2) or the output (seed)
    if cfg.get("w_cast", 0) > 0:
        # L1 barely notices a tint on grey walls and skies; photographers do at first sight
        loss = loss + cfg["w_cast"] * cast(out, tgt).mean()
    return loss


# A bracket whose fusion is itself dark never reached a normal exposure (SICE's automatic
# grouping left some sequences as two to seven dark frames): its fusion is no reference for a
# well-exposed photo, and training on it teaches the network not to lift nearly black frames.
# Mean encoded luminance of the target below this: not a reference ("exposed_targets").
EXPOSED_TARGET_LUMA = 0.1


def target_luma(tgt):
    return float((tgt.astype(np.float32) / 255 @ np.asarray(applier.LUMA, np.float32)).mean())


def load_items(items, exposed_targets=False):
    """Each item's (frames, target) groups; with exposed_targets, a real bracket's groups whose
    target is itself dark (EXPOSED_TARGET_LUMA) are left out, and items left with none (a
    photo's target is the photo as its author exposed it, a night sky included)."""
    out = []
    for it in items:
        groups = dataset.load_pairs(it["path"])
        if exposed_targets and it["source"] in REAL_SOURCES:
            groups = [g for g in groups if target_luma(g[1]) >= EXPOSED_TARGET_LUMA]
        if groups:
            out.append({**it, "groups": groups})
    return out


def crop_resize(rng, inp, tgt, size, upright=False):
    """A random crop (the 'photo' the model is shown), resized to size x size, flipped/rotated;
    upright: mirrored only (photos are shot upright, so sky above and ground below is a prior
    the local curves may use; the draw of the turn is kept so a seed shows the same crops)."""
    h, w = inp.shape[:2]
    if rng.random() < 0.4:
        y0, x0, ch, cw = 0, 0, h, w  # the whole frame
    else:
        ch = int(h * rng.uniform(0.5, 1))
        cw = int(w * rng.uniform(0.5, 1))
        y0, x0 = rng.randrange(h - ch + 1), rng.randrange(w - cw + 1)
    res = []
    k, flip = rng.randrange(4), rng.random() < 0.5
    for a in (inp, tgt):
        a = cv2.resize(a[y0:y0 + ch, x0:x0 + cw], (size, size), interpolation=cv2.INTER_AREA)
        a = a if upright else np.rot90(a, k, axes=(0, 1))
        res.append(a[:, ::-1] if flip else a)
    return res


def black_error(rng, img, aug):
    """Training-time only: the input frame as a camera with its black level off per channel
    would have written it (an offset in linear light, clipped at 0), the target unchanged.
    Real dark JPEGs lose one channel against another in their lowest codes; the synthetic
    sensor's small errors and the real training brackets show too little of it for the
    network to learn to undo it."""
    if rng.random() >= aug.get("p", 0):
        return img
    # per channel (R, G, B): [lo, hi] for all three, or three ranges
    rs = aug["range"] if isinstance(aug["range"][0], list) else [aug["range"]] * 3
    off = np.array([rng.uniform(lo, hi) for lo, hi in rs], np.float32)
    off -= off.min() * rng.random()  # partly common to all channels: a level error, not only a tint
    lin = dataset.srgb_to_lin(img.astype(np.float32) / 255)
    return dataset.to_u8(dataset.lin_to_srgb(lin - off))


# the cameras' toe (dataset.camera_toe, train brackets only), set by main when a config's
# "darken" asks for "response": "camera"
CAMERA_TOE = None


def darken(rng, img, spec):
    """Training-time only: spec {"p", "stops": [lo, hi], "to_below"?}: the input crop as a shot
    lo..hi stops darker would have come out (linear light scaled down, fresh Poisson-Gaussian
    sensor noise, 8-bit sRGB), the target unchanged. The networks fit the few darkest train
    frames they see (1 % of them at mean log2 luminance <= -6) and stay a stop too dark on unseen
    ones; real scenes pushed down give them many more such inputs, each with its own content.
    "to_below": push at least far enough that the crop's mean log2 luminance lands at or below
    it, so a bright frame becomes a dark one and never a mid-level frame whose clipped
    highlights have turned into flat grey (the case the augmentation is not for).
    "response": "camera": read into light and written back through the cameras' toe
    (CAMERA_TOE) instead of sRGB's transfer, as a real camera's darker shot crushes its shadows."""
    if rng.random() >= spec["p"]:
        return img
    nprng = np.random.default_rng(rng.randrange(1 << 30))
    lo, hi = spec["stops"]
    toe = CAMERA_TOE if spec.get("response") == "camera" else None
    enc = img.astype(np.float32) / 255
    lin = dataset.srgb_to_lin(enc) if toe is None else dataset.camera_to_lin(enc, toe).astype(np.float32)
    if spec.get("to_below") is not None:
        lo = min(hi, max(lo, stops_to_reach(lin, spec["to_below"])))
    lin = lin * 2.0 ** -rng.uniform(lo, hi)
    full_well, read = rng.uniform(300, 4000), rng.uniform(0.0003, 0.003)  # dataset.Sensor's ranges
    lin = nprng.poisson(lin * full_well).astype(np.float32) / full_well + nprng.normal(0, read, lin.shape).astype(np.float32)
    return dataset.to_u8(dataset.lin_to_srgb(lin) if toe is None else dataset.lin_to_camera(lin, toe))


def brighten(rng, img, spec):
    """Training-time only: spec {"p", "stops": [lo, hi]}: the input crop as a shot lo..hi stops
    brighter would have come out (linear light scaled up, clipped at white, 8-bit sRGB), the
    target unchanged: over-exposed frames with their own content, as darken gives dark ones
    (a pair's bright frame, clipped where the scene is bright)."""
    if rng.random() >= spec["p"]:
        return img
    lin = dataset.srgb_to_lin(img.astype(np.float32) / 255) * 2.0 ** rng.uniform(*spec["stops"])
    return dataset.to_u8(dataset.lin_to_srgb(lin))


def lamps(rng, inp, tgt, spec):
    """Training-time only: spec {"p", "count": [lo, hi], "radius": [lo, hi] (of the crop's
    shorter side)}: lamps switched on in the scene, the same in the input crop and its target:
    discs clipped white at their core with a glow falling off around them, in linear light, a
    warm or cool white each. Night and indoor frames hold street lamps and bulbs that stay
    clipped in every frame of their bracket, and the networks held the rest of such a frame
    dark (a night street, a desk lamp: short of their fusion by most of a stop); with lamps
    pasted into any scene and the rest of the target unchanged, a lamp is no reason to."""
    if rng.random() >= spec["p"]:
        return inp, tgt
    h, w = inp.shape[:2]
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    out = []
    discs = []
    for _ in range(rng.randint(*spec["count"])):
        r = max(1.0, rng.uniform(*spec["radius"]) * min(h, w))
        tint = np.array([rng.uniform(0.85, 1), rng.uniform(0.85, 1), rng.uniform(0.85, 1)], np.float32)
        discs.append((rng.uniform(0, h), rng.uniform(0, w), r, rng.uniform(1.5, 4), tint / tint.max()))
    for img in (inp, tgt):
        lin = dataset.srgb_to_lin(img.astype(np.float32) / 255)
        for cy, cx, r, falloff, tint in discs:
            d = np.sqrt((yy - cy) ** 2 + (xx - cx) ** 2) / r
            m = np.where(d <= 1, 1.0, np.exp(-(d - 1) * falloff)).astype(np.float32)[..., None]
            lin = lin + m * (tint - lin).clip(0)  # towards the lamp's white, never darker
        out.append(dataset.to_u8(dataset.lin_to_srgb(lin)))
    return out[0], out[1]


def stops_to_reach(lin, level):
    """How many stops darker (in linear light, before noise) the image `lin` [H,W,3] must be shot
    for its mean log2 luminance (models.log2_luma: of the encoded values) to be at most `level`;
    by bisection, as the encoding's toe and the measure's floor make it no simple ratio."""
    lin = lin[::4, ::4]  # a mean: every 4th pixel is plenty, and 20 steps stay cheap

    def level_at(s):
        enc = torch.from_numpy(np.ascontiguousarray(dataset.lin_to_srgb(lin * 2.0 ** -s), dtype=np.float32))
        return float(models.log2_luma(enc.permute(2, 0, 1)[None]).mean())
    if level_at(0) <= level:
        return 0.0
    a, b = 0.0, 24.0
    for _ in range(20):
        m = (a + b) / 2
        a, b = (a, m) if level_at(m) <= level else (m, b)
    return b


def darkened(frames, stops, seed=5):
    """Whole frames [(x, y)] as shots stops[0]..stops[1] darker would have come out (darken, one
    seeded stream; the targets unchanged): for measuring, where darken is for training crops."""
    rng = random.Random(seed)
    out = []
    for x, y in frames:
        u8 = (x[0].permute(1, 2, 0).numpy() * 255 + 0.5).astype(np.uint8)
        out.append((to_t([darken(rng, u8, {"p": 1, "stops": list(stops)})]), y))
    return out


def augmentations(cfg):
    """The config's input augmentations, as sample_arrays takes them (None: none)."""
    aug = {k: cfg[k] for k in ("darken", "brighten", "black_error", "lamps", "upright") if cfg.get(k)}
    return aug or None


def augment(rng, img, aug):
    shot = img
    if aug.get("darken"):
        img = darken(rng, img, aug["darken"])
    # a crop is pushed one way at most (and darken's draws stay as they were without brighten)
    if aug.get("brighten") and img is shot:
        img = brighten(rng, img, aug["brighten"])
    if aug.get("black_error"):
        img = black_error(rng, img, aug["black_error"])
    return img


def to_t(xs, device="cpu"):
    return u8_to_t(torch.from_numpy(np.ascontiguousarray(np.stack(xs))), device)


def u8_to_t(t, device="cpu"):
    """uint8 [N,H,W,3] -> float [N,3,H,W] 0..1; moved while still uint8 (a quarter of the bytes),
    so the cast runs on the device."""
    return t.to(device).permute(0, 3, 1, 2).float() / 255


def sample_batch(rng, pools, weights, size, batch, aug=None):
    return tuple(to_t(a) for a in sample_arrays(rng, pools, weights, size, batch, aug))


def sample_arrays(rng, pools, weights, size, batch, aug=None):
    """One training batch as uint8 [B,H,W,3] input frames and targets."""
    ins, tgts = [], []
    srcs = [s for s in pools if weights.get(s, 0) > 0]
    for _ in range(batch):
        src = rng.choices(srcs, [weights[s] for s in srcs])[0]
        it = rng.choice(pools[src])
        frames, tgt = rng.choice(it["groups"])
        i, t = crop_resize(rng, frames[rng.randrange(len(frames))], tgt, size, bool(aug and aug.get("upright")))
        if aug and aug.get("lamps"):
            i, t = lamps(rng, i, t, aug["lamps"])  # before the input's own: a darker shot dims its lamps too
        if aug:
            i = augment(rng, i, aug)
        ins.append(i), tgts.append(t)
    return np.stack(ins), np.stack(tgts)


class Batches(torch.utils.data.IterableDataset):
    """sample_arrays in DataLoader workers (--workers), each with its own seeded stream, so
    the CPU work of drawing crops keeps up with a GPU; the order is fixed for a given seed
    and worker count."""

    def __init__(self, seed, *args):
        super().__init__()
        self.seed, self.args = seed, args

    def __iter__(self):
        info = torch.utils.data.get_worker_info()
        cv2.setNumThreads(1)
        torch.set_num_threads(1)
        rng = random.Random(self.seed * 1000 + (info.id if info else 0))
        while True:
            yield tuple(torch.from_numpy(a) for a in sample_arrays(rng, *self.args))


def add_dark_pool(pools, weights, spec):
    """spec {"share", "below"}: a further pool of every train frame whose mean log2 luminance is
    at most "below", one pseudo-scene per frame, drawn for "share" of the batch (on top of their
    draws in their own scenes). Night brackets are mostly such frames; at -4 they are 12 % of
    the train frames, and at -6 1 %."""
    dark = [{"groups": [([f], tgt)]} for src in list(pools) for it in pools[src] for frames, tgt in it["groups"]
            for f in frames if mean_log2_luma(to_t([f])) <= spec["below"]]
    pools["dark"] = dark
    weights["dark"] = spec["share"] / (1 - spec["share"]) * sum(weights.values())
    print(f"dark pool: {len(dark)} frames at mean log2 luminance <= {spec['below']}, {spec['share']:.0%} of each batch", flush=True)


def lit(frame):
    """A frame [H,W,3] uint8 as add_lit_pool reads it: (mean log2 luminance, clipped share)."""
    return mean_log2_luma(to_t([frame])), float((frame.max(axis=2) >= round(255 * LIGHT_CLIPPED)).mean())


def add_lit_pool(pools, weights, spec):
    """spec {"share", "between": [lo, hi], "clipped": [lo, hi]}: a further pool of every train frame
    whose mean log2 luminance lies between "between" and whose clipped share (brightest channel >=
    LIGHT_CLIPPED) lies in "clipped", one pseudo-scene per frame, drawn for "share" of the batch.
    A dark frame with clipped pixels is the network's hardest call: a lamp in a night scene (the
    whole frame should come up) or a window in a dim room (it should not). Seen at their natural
    rate the networks lean on the clipped pixels (MODEL_CARD.md, Training)."""
    (a, b), (c0, c1) = spec["between"], spec["clipped"]
    pool = [{"groups": [([f], tgt)]} for src in list(pools) if src != "dark" for it in pools[src] for frames, tgt in it["groups"]
            for f in frames for ly, share in [lit(f)] if a <= ly <= b and c0 < share <= c1]
    pools["lit"] = pool
    weights["lit"] = spec["share"] / (1 - spec["share"]) * sum(weights.values())
    print(f"lit pool: {len(pool)} frames at mean log2 luminance {a}..{b} with {c0:.1%}..{c1:.0%} clipped, "
          f"{spec['share']:.0%} of each batch before a pair pool", flush=True)


def pair_groups(it, exposed_targets=False):
    """A real bracket shown as a two-shot pair: its darkest and brightest frames (by mean log2
    luminance), the target the Mertens fusion of those two alone. Hidden brackets include pairs
    about 6 stops apart, scored against their own fusion, which is not the whole bracket's
    (20 dB apart on SICE, about 0.2 stops brighter: MODEL_CARD.md). None for brackets of two
    frames (already pairs) or, with exposed_targets, a pair whose fusion is itself dark."""
    frames = it["groups"][0][0]
    if len(frames) < 3:
        return None
    lum = [mean_log2_luma(to_t([f])) for f in frames]
    pair = [frames[int(np.argmin(lum))], frames[int(np.argmax(lum))]]
    tgt = dataset.mertens(pair)
    if exposed_targets and target_luma(tgt) < EXPOSED_TARGET_LUMA:
        return None
    return [(np.stack(pair), tgt)]


def add_pair_pool(pools, weights, spec, exposed_targets=False):
    """spec {"share"}: a further pool of the real train brackets as pairs (pair_groups), drawn
    for "share" of the batch (the other pools' shares shrink in proportion, the dark pool's too)."""
    pairs = [{**it, "groups": g} for src in REAL_SOURCES for it in pools.get(src, [])
             if (g := pair_groups(it, exposed_targets))]
    pools["pairs"] = pairs
    weights["pairs"] = spec["share"] / (1 - spec["share"]) * sum(weights.values())
    total = sum(weights.values())
    shares = ", ".join(f"{k} {w / total:.0%}" for k, w in weights.items())
    print(f"pair pool: {len(pairs)} brackets as their darkest and brightest frames; each batch: {shares}", flush=True)


def init_from(net, cfg, state, name):
    """--init: start from a checkpoint's weights. Heads added since it start at their identity
    initialisation; a head's checkpoint holds the head alone (trained_state), its base already
    loaded from its own checkpoints, so a head can start from another head of the same base."""
    own = net.state_dict()
    missing, unexpected = net.load_state_dict({k: v for k, v in state.items() if k in own and v.shape == own[k].shape},
                                              strict=False)
    if unexpected or any(not (k.startswith("glob_dark") or (cfg.get("base") and k.startswith("base."))) for k in missing):
        raise SystemExit(f"--init {name}: incompatible checkpoint ({missing}, {unexpected})")


@torch.no_grad()
def ema_update(ema, params, decay):
    for e, p in zip(ema, params):
        e.mul_(decay).add_(p.detach(), alpha=1 - decay)


@torch.no_grad()
def swap_in(params, values):
    """values copied into params; returns what params held."""
    held = [p.detach().clone() for p in params]
    for p, v in zip(params, values):
        p.copy_(v)
    return held


def trained_state(net):
    """What a checkpoint holds: every weight but a frozen base's (the heads'), which has its own checkpoints."""
    frozen = getattr(net, "frozen_prefix", None)
    return {k: v.cpu() for k, v in net.state_dict().items() if not (frozen and k.startswith(frozen))}


def dev_frames(items, n, seed=0):
    """Fixed whole frames at their stored size (long side 384), as the product sees a photo:
    n drawn at random, or every frame when n is None."""
    rng = random.Random(seed)
    cands = [(it, g, i) for it in items for g in range(len(it["groups"])) for i in range(len(it["groups"][g][0]))]
    if n is not None:
        rng.shuffle(cands)
        cands = cands[:n]
    out = []
    for it, g, i in cands:
        frames, tgt = it["groups"][g]
        h, w = tgt.shape[:2]
        h, w = h - h % 32, w - w % 32  # the seed architecture needs multiples of 32
        out.append((to_t([frames[i][:h, :w]]), to_t([tgt[:h, :w]])))
    return out


@torch.no_grad()
def evaluate(cfg, net, data, frame_psnrs=None):
    """Mean loss, PSNR, SSIM and cast over data; each frame's PSNR is also appended to
    frame_psnrs when given (score_dev.py --by-darkness)."""
    net.eval()
    dev = net.xk.device
    ls, ps, ss, cs = [], [], [], []
    for x, y in data:
        x, y = x.to(dev), y.to(dev)
        out, aux = run(net, x, shadows=cfg.get("shadow_smooth", False), lights=cfg.get("hide_lights", False),
                       prior=cfg.get("virtual_bracket"))
        out = torch.round(out.clamp(0, 1) * 255) / 255  # metrics on 8-bit output, like the product
        ls.append(float(loss_fn(cfg, out, aux, y)))
        ps.append(float(psnr(out, y)))
        if frame_psnrs is not None:
            frame_psnrs.append(ps[-1])
        ss.append(float(ssim(out, y)))
        cs.append(float(cast(out, y)))
    net.train()
    return {"loss": float(np.mean(ls)), "psnr": float(np.mean(ps)), "ssim": float(np.mean(ss)), "cast": float(np.mean(cs))}


# Bins of a frame's mean log2(Y + 1/512) (Y: the input's luminance, 0..1); a clipped white frame
# sits just above 0. Dev frames drawn at random put 2 of 160 in the darkest bin, where the hidden
# night brackets live, so the "darkness" rule weighs every bin the same.
DARK_BINS = ((-99, -6), (-6, -4), (-4, -2.5), (-2.5, 1))


def mean_log2_luma(x):
    return float(models.log2_luma(x).mean())


def dark_bin(x):
    """The DARK_BINS label ("lo..hi") of a frame [1,3,H,W]."""
    ly = mean_log2_luma(x)
    return next(f"{lo}..{hi}" for lo, hi in DARK_BINS if lo < ly <= hi)


def bin_psnrs(labels, psnrs, merge_darkest=False):
    """{"lo..hi": {"frames", "psnr"}} from each frame's bin label and PSNR, and the unweighted
    mean of the bins' PSNRs (what the "darkness" rule selects on). merge_darkest: the two darkest
    bins count as one, frame by frame ("darkness-real-3"), so that dev's 7 frames at <= -6 (exposed
    targets) weigh beside its 36 at -6..-4, not as much as the 218 above -2.5."""
    per = {f"{lo}..{hi}": [] for lo, hi in DARK_BINS}
    for b, p in zip(labels, psnrs):
        per[b].append(p)
    by = {k: {"frames": len(v), "psnr": float(np.mean(v)) if v else None} for k, v in per.items()}
    groups = [[k] for k in per]
    if merge_darkest:
        groups = [groups[0] + groups[1]] + groups[2:]
    means = [float(np.mean([p for k in g for p in per[k]])) for g in groups if any(per[k] for k in g)]
    return by, float(np.mean(means))


def scene_halves(scenes, seed):
    """The scene names shuffled with seed and cut in two: a check that a dev gain, or a fit on
    dev, is not one half's alone (calibrate.py, score_dev.py --halves)."""
    s = sorted(set(scenes))
    random.Random(seed).shuffle(s)
    return set(s[: len(s) // 2]), set(s[len(s) // 2:])


# Sources whose frames are real photographs (their targets the fusion of a real bracket); the
# others are pushed down or up through dataset.Sensor
REAL_SOURCES = ("brackets", "brackets_sice")


def binned_rule(cfg):
    return cfg.get("dev_rule") in ("darkness", "darkness-real", "darkness-real-3")


def dev_set(cfg, dev_items):
    """The dev frames a config is selected on: 160 at random; for the "darkness" rule every
    dev frame (620), so that each darkness bin holds enough of them; for "darkness-real" every
    frame of the real brackets (331): dev's synthetic dark frames ask for the opposite lift of
    its real ones (MODEL_CARD.md, Limits), and the product is judged on real brackets; for
    "darkness-real-3" the same frames, the two darkest bins scored as one (bin_psnrs)."""
    if cfg.get("dev_rule") in ("darkness-real", "darkness-real-3"):
        return dev_frames([it for it in dev_items if it["source"] in REAL_SOURCES], None)
    return dev_frames(dev_items, None if binned_rule(cfg) else cfg.get("dev_frames", 160))


def dev_metrics(cfg, net, data):
    """evaluate() on the dev frames, plus the PSNR per darkness bin and the bins' unweighted
    mean ("psnr_bins", what the "darkness" rule selects on)."""
    psnrs = []
    m = evaluate(cfg, net, data, psnrs)
    m["by_darkness"], m["psnr_bins"] = bin_psnrs([dark_bin(x) for x, _ in data], psnrs, cfg.get("dev_rule") == "darkness-real-3")
    return m


def selection_score(cfg, dev):
    """What picks the checkpoint, on dev only: PSNR (per frame, or under the "darkness" rule the
    mean of the darkness bins' PSNRs), less w_cast_select dB per unit of mean cast."""
    w = cfg.get("w_cast_select", 0)
    p = dev["psnr_bins"] if binned_rule(cfg) else dev["psnr"]
    return p - (w * dev["cast"] if w else 0.0)  # runs before the cast term had no cast figure


def save_atomic(obj, path):
    tmp = path + ".tmp"
    torch.save(obj, tmp)
    os.replace(tmp, path)


def save_atomic_json(obj, path):
    with open(path + ".tmp", "w") as f:
        json.dump(obj, f, indent=1)
        f.write("\n")
    os.replace(path + ".tmp", path)


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
    ap.add_argument("--out-dir", default=REPO, help="where models/checkpoints and report go")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--init", help="start from this checkpoint's weights (fine-tuning stage)")
    ap.add_argument("--minutes", type=float, default=0, help="stop after this wall time (the best checkpoint is kept)")
    ap.add_argument("--stop-after", type=int, default=0, help="stop after this step without changing the LR schedule")
    ap.add_argument("--device", default="cpu", help="cpu, or cuda where a GPU is lent (models/training/gpu_train.sh)")
    ap.add_argument("--workers", type=int, default=0, help="DataLoader workers drawing the batches (0: in the training loop)")
    ap.add_argument("--lr-by-time", action="store_true",
                    help="the LR schedule runs over --minutes of wall time instead of the config's steps "
                         "(for a machine whose speed is not known ahead)")
    a = ap.parse_args(argv)
    with open(a.config) as f:
        cfg = json.load(f)
    if a.steps:
        cfg["steps"] = a.steps
    if a.lr_by_time and not a.minutes:
        raise SystemExit("--lr-by-time needs --minutes")
    torch.set_num_threads(a.threads)
    torch.manual_seed(cfg["seed"])
    rng = random.Random(cfg["seed"])

    items = dataset.build_cache(a.data)
    # "train_splits": the splits trained on (default train alone); dev is never one of them,
    # since it chooses the step and the model
    train_splits = tuple(cfg.get("train_splits", ["train"]))
    if "dev" in train_splits or "heldout" in train_splits:
        raise SystemExit("train_splits: dev chooses and held-out measures; neither is trained on")
    if (cfg.get("darken") or {}).get("response") == "camera":
        global CAMERA_TOE
        CAMERA_TOE = dataset.camera_toe(a.data, train_splits)
    exposed = cfg.get("exposed_targets", False)
    train_items = load_items([i for i in items if i["split"] in train_splits], exposed)
    dev_items = load_items([i for i in items if i["split"] == "dev"], exposed)
    weights = dict(cfg["source_weights"])
    pools = {}
    for it in train_items:
        if it["source"] in weights:  # a source left out of the weights is not drawn, nor in the dark pool
            pools.setdefault(it["source"], []).append(it)
    if cfg.get("dark_frames"):
        add_dark_pool(pools, weights, cfg["dark_frames"])
    if cfg.get("lit_frames"):
        add_lit_pool(pools, weights, cfg["lit_frames"])
    if cfg.get("pair_targets"):  # after the dark pool: a pair's frames are not drawn into it
        add_pair_pool(pools, weights, cfg["pair_targets"], exposed)
    devd = dev_set(cfg, dev_items)
    traind = dev_frames(train_items, cfg.get("dev_frames", 160), seed=1)

    net = models.build(cfg, os.path.join(REPO, "models", "checkpoints"))  # a balance head's base: the repo's checkpoints
    if a.init:
        init_from(net, cfg, torch.load(a.init, map_location="cpu")["state_dict"], a.init)
    batches = None
    if a.workers:  # started before the network moves to a GPU: the workers are forked
        batches = iter(torch.utils.data.DataLoader(
            Batches(cfg["seed"], pools, weights, cfg["size"], cfg["batch"], augmentations(cfg)),
            batch_size=None, num_workers=a.workers, prefetch_factor=4, persistent_workers=True))
    net.to(a.device)
    trained = [p for p in net.parameters() if p.requires_grad]
    opt = torch.optim.Adam(trained, lr=cfg["lr"])
    # "ema": a running mean of the trained weights (decay per step, warmed up as (1 + t) / (10 + t)),
    # evaluated and saved in their place: a flatter point than the last step's
    ema = [p.detach().clone() for p in trained] if cfg.get("ema") else None
    steps = cfg["steps"]
    t_start = time.time()

    def progress(s):
        return min(1.0, (time.time() - t_start) / (60 * a.minutes)) if a.lr_by_time else s / max(1, steps)

    sched = torch.optim.lr_scheduler.LambdaLR(opt, lambda s: (cfg["lr_final"] / cfg["lr"]) ** progress(s))
    ck_dir = os.path.join(a.out_dir, "models", "checkpoints")
    rep_dir = os.path.join(a.out_dir, "models", "training", "report")
    os.makedirs(ck_dir, exist_ok=True)
    os.makedirs(rep_dir, exist_ok=True)
    hist, t0, run_loss, best = [], time.time(), [], -float("inf")
    n_pairs = sum(len(g[0]) for it in train_items for g in it["groups"])
    print(f"{cfg['name']}: {models.n_params(net)} params ({sum(p.numel() for p in net.parameters() if p.requires_grad)} trained), {len(train_items)} train scenes / {n_pairs} pairs, "
          f"dev {len(devd)} frames", flush=True)
    if a.init:  # where the fine-tuning starts from, on the same dev frames
        hist.append({"step": 0, "minutes": 0.0, "train": evaluate(cfg, net, traind), "dev": dev_metrics(cfg, net, devd)})
        print(f"init: dev psnr {hist[0]['dev']['psnr']:.2f} cast {hist[0]['dev']['cast']:.2f}", flush=True)
    for step in range(1, steps + 1):
        if batches is not None:
            x, y = (u8_to_t(t, a.device) for t in next(batches))
        else:
            x, y = (t.to(a.device) for t in sample_batch(rng, pools, weights, cfg["size"], cfg["batch"], augmentations(cfg)))
        lx = None
        if cfg.get("loss_size"):
            # the applier's per-pixel work dominates a step; the loss at a smaller size costs a
            # fraction of it and sees the same tones
            ls_ = (cfg["loss_size"], cfg["loss_size"])
            lx, y = F.adaptive_avg_pool2d(x, ls_), F.adaptive_avg_pool2d(y, ls_)
        out, aux = run(net, x, lx, cfg.get("shadow_smooth", False), cfg.get("hide_lights", False),
                       cfg.get("virtual_bracket"))
        loss = loss_fn(cfg, out, aux, y)
        opt.zero_grad()
        loss.backward()
        opt.step()
        sched.step()
        if ema is not None:
            ema_update(ema, trained, min(cfg["ema"], (1 + step) / (10 + step)))
        run_loss.append(float(loss))
        out_of_time = (a.minutes and (time.time() - t0) / 60 > a.minutes) or (a.stop_after and step >= a.stop_after)
        if step % cfg["eval_every"] == 0 or step == steps or out_of_time:
            live = swap_in(trained, ema) if ema is not None else None
            tr = evaluate(cfg, net, traind)
            dv = dev_metrics(cfg, net, devd)
            tr["batch_loss"] = float(np.mean(run_loss))
            run_loss = []
            hist.append({"step": step, "minutes": (time.time() - t0) / 60, "train": tr, "dev": dv})
            print(f"step {step} {hist[-1]['minutes']:.1f} min train loss {tr['batch_loss']:.4f} "
                  f"psnr {tr['psnr']:.2f} | dev loss {dv['loss']:.4f} psnr {dv['psnr']:.2f} ssim {dv['ssim']:.4f} "
                  f"cast {dv['cast']:.2f} bins {dv['psnr_bins']:.2f}", flush=True)
            score = selection_score(cfg, dv)
            if score > best:  # model selection on dev only; test and heldout are never read here
                best = score
                save_atomic({"config": cfg, "state_dict": trained_state(net), "step": step},
                            os.path.join(ck_dir, f"{cfg['name']}.pt"))
            metrics = {"name": cfg["name"], "config": cfg, "params": models.n_params(net), "threads": a.threads,
                       "train_pairs": n_pairs, "train_scenes": len(train_items), "best_dev_score": best,
                       "device": a.device, "command": " ".join(["/usr/bin/python3", "models/training/train.py"] + (argv or sys.argv[1:])),
                       "history": hist}
            save_atomic_json(metrics, os.path.join(rep_dir, f"{cfg['name']}.metrics.json"))
            plot(hist, os.path.join(rep_dir, f"{cfg['name']}.curves.png"), cfg["name"])
            if live is not None:
                swap_in(trained, live)  # training goes on from its own weights
        if out_of_time:
            break
    return hist


if __name__ == "__main__":
    main()

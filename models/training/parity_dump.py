"""Runs the PyTorch checkpoints and the applier twin on fixed seeded inputs and dumps inputs
+ outputs for the parity tests: test/models/parity.test.ts (ONNX Runtime vs the checkpoints),
test/engine/normalize/curve-apply.test.ts (the TypeScript applier vs applier.py),
test/engine/normalize/shadow-smooth.test.ts (the deep-shadow smoothing vs applier.py),
test/engine/normalize/meter-lights.test.ts (train.py's hide_lights vs the engine's),
test/engine/normalize/virtual-bracket.test.ts (virtual_bracket.py vs the engine's) and
test/models/training-cast.test.ts (train.py's colour-cast and log-MSE terms vs electron/engine/metrics/).

  /usr/bin/python3 models/training/parity_dump.py OUT_DIR [--applier-only]   (only the cases that need no checkpoint)

Writes OUT_DIR/cases.json: [{model, graph, inputs: {name: {shape, file}}, outputs: {...}}] and
one little-endian float32 .bin per tensor.
"""
import json
import os
import sys

import torch
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import applier  # noqa: E402
import train  # noqa: E402
import virtual_bracket  # noqa: E402
from export import MODELS, load, load_shipped  # noqa: E402


def image_like(g, n, h, w, top=1.0):
    """Smooth random scenes plus fine noise: exercises the curves like real photos do."""
    lo = torch.rand(n, 3, max(2, h // 16), max(2, w // 16), generator=g)
    x = F.interpolate(lo, size=(h, w), mode="bilinear", align_corners=False)
    return ((x ** 2.2 + 0.05 * torch.rand(n, 3, h, w, generator=g)) * top).clamp(0, top)


def random_transform(g, k=24, gh=5, gw=7, dark_balance=False):
    """A transform like the network's: monotone curves per cell, bounded colour step (the
    10-value form, with a dark white balance, when dark_balance)."""
    xk = applier.knots(k)
    slopes = torch.exp(2 * torch.rand(1, k - 1, gh, gw, generator=g) - 0.5)
    incr = slopes * (xk[1:] - xk[:-1])[None, :, None, None]
    curves = torch.cumsum(torch.cat([torch.zeros(1, 1, gh, gw), incr], 1), 1)
    color = torch.tensor([[1.08, 0.97, 1.1, 0.8, 0.3, 0.02]])
    if dark_balance:
        color = torch.cat([color, torch.tensor([[0.8, 1.0, 1.5, 0.12]])], dim=1)
    return curves, xk, color


def main():
    out = sys.argv[1]
    applier_only = "--applier-only" in sys.argv
    os.makedirs(out, exist_ok=True)
    g = torch.Generator().manual_seed(1234)
    cases = []

    def dump(model, graph, inputs, outputs):
        case = {"model": model, "graph": graph, "inputs": {}, "outputs": {}}
        for kind, tensors in (("inputs", inputs), ("outputs", outputs)):
            for name, t in tensors.items():
                f = f"{model}-{graph}-{kind}-{name}.bin"
                t.detach().contiguous().numpy().astype("<f4").tofile(os.path.join(out, f))
                case[kind][name] = {"shape": list(t.shape), "file": f}
        cases.append(case)

    torch.set_num_threads(1)
    with torch.no_grad():
        # the applier twin: odd sizes, a grid that does not divide them, RAW-like values above 1
        # and a dark frame through the 10-value colour form (a dark white balance)
        shapes = {"small": (37, 53, 1.0, 5, 7, False), "headroom": (64, 41, 1.6, 14, 14, False),
                  "dark-balance": (40, 48, 0.35, 6, 6, True)}
        for name, (h, w, top, gh, gw, dark_balance) in shapes.items():
            rgb = image_like(g, 1, h, w, top)
            curves, xk, color = random_transform(g, 24, gh, gw, dark_balance)
            dump("applier", name, {"rgb": rgb, "curves": curves, "knots": xk, "color": color},
                 {"output": applier.apply(rgb, curves, xk, color)})
        # the deep-shadow smoothing the engine runs before a strongly lifting transform: an
        # 8-bit frame whose shadows sit in codes 0..3 beside brighter texture, both the smoothed
        # values and the transform applied to them (and the lift that gates the step)
        for name, (h, w, gh, gw, lift) in {"smooth": (29, 45, 4, 6, True), "unlifted": (16, 21, 3, 3, False)}.items():
            codes = torch.round(image_like(g, 1, h, w) ** 3 * 40 * (torch.rand(1, 1, h, w, generator=g) + 0.2))
            rgb = codes.clamp(0, 255) / 255
            curves, xk, color = random_transform(g, 24, gh, gw, True)
            if lift:
                curves = curves.clamp(min=0) ** 0.35  # lifts 10 codes about 8-20-fold, still monotone
            smoothed = applier.smooth_shadows(rgb, curves, xk)
            dump("shadow", name, {"rgb": rgb, "curves": curves, "knots": xk, "color": color},
                 {"smoothed": smoothed, "output": applier.apply(smoothed, curves, xk, color),
                  "lift": applier.shadow_lift(curves, xk),
                  "constants": torch.tensor([applier.SHADOW_LO, applier.SHADOW_HI, applier.SHADOW_MIN_LIFT])})
        # a dark frame's lights hidden from the network (train.hide_lights): a dim thumbnail with
        # clipped discs, one with too many clipped pixels and one too bright to qualify
        for name, (level, discs) in {"dark": (0.12, 3), "crowded": (0.12, 40), "bright": (1.0, 3)}.items():
            t = image_like(g, 1, 224, 224) * level
            yy, xx = torch.meshgrid(torch.arange(224.0), torch.arange(224.0), indexing="ij")
            for _ in range(discs):
                cy, cx, r = (float(v) for v in torch.rand(3, generator=g) * torch.tensor([224, 224, 20]) + torch.tensor([0, 0, 6]))
                t = torch.where(((yy - cy) ** 2 + (xx - cx) ** 2 <= r * r)[None, None], torch.ones_like(t), t)
            dump("lights", name, {"thumb": t}, {"thumb": train.hide_lights(t), "constants": torch.tensor(
                [train.LIGHT_CLIPPED, train.LIGHT_DARK_LOG2, train.LIGHT_MAX_SHARE])})
        # the virtual bracket's prior (virtual_bracket.py): a dark thumbnail's bracket fused and
        # fitted to a network-like grid, at the thumbnail's size and halved, and the blend
        vt = image_like(g, 1, 224, 224) * 0.1
        curves, xk, color = random_transform(g, 24, 14, 14, True)
        fit = {}
        for name, view in (("full", vt), ("half", F.avg_pool2d(vt, 2))):
            c = view[0].numpy()
            fused, push = virtual_bracket.fuse(c)
            target = ((fused.astype("float64") * applier.LUMA).sum(2)).clip(0, 1)
            fit[name] = torch.from_numpy(virtual_bracket.splat_fit(virtual_bracket.curve_luma(c, color[0].numpy().astype("float64")), target,
                                                                   curves[0].numpy().astype("float64"), xk.numpy().astype("float64")))[None]
        dump("virtual", "prior", {"thumb": vt, "curves": curves, "knots": xk, "color": color},
             {"fit": fit["full"], "fitHalf": fit["half"], "pushHalf": torch.tensor([push]),
              "blend": virtual_bracket.prior_curves(vt, curves, color, xk, virtual_bracket.WEIGHT, virtual_bracket.FADE, virtual_bracket.HALF),
              "constants": torch.tensor([virtual_bracket.MID, virtual_bracket.SPAN, virtual_bracket.LAMBDA, virtual_bracket.FADE_STOPS,
                                         virtual_bracket.WEIGHT, float(virtual_bracket.FADE), float(virtual_bracket.HALF)])})
        # the training loss's cast term against the eval's metric: a grey-ish 8-bit target with
        # coloured patches, and an output tinted and noised from it
        grey = image_like(g, 1, 48, 64).mean(1, keepdim=True).repeat(1, 3, 1, 1)
        tgt = torch.round((grey + 0.04 * image_like(g, 1, 48, 64) * (torch.rand(1, 1, 48, 64, generator=g) > 0.8)).clamp(0, 1) * 255) / 255
        tint = torch.tensor([1.06, 0.99, 0.9])[None, :, None, None]
        tinted = torch.round((tgt * tint + 0.02 * torch.rand(1, 3, 48, 64, generator=g)).clamp(0, 1) * 255) / 255
        dump("cast", "training", {"output": tinted, "target": tgt},
             {"cast": train.cast(tinted, tgt), "log_mse": train.log_mse(tinted, tgt).reshape(1)})
        if not applier_only:
            net = load_shipped()
            thumb = image_like(g, 1, 224, 224)
            curves, color = net(thumb)
            dump("evenlight", "transform", {"thumb": thumb}, {"curves": curves, "color": color})
            # the shipped network's own transform through the twin, on a dark frame
            rgb = image_like(g, 1, 48, 80) * 0.08
            dump("applier", "shipped", {"rgb": rgb, "curves": curves, "knots": net.xk, "color": color},
                 {"output": applier.apply(rgb, curves, net.xk, color)})
            if os.path.isfile(os.path.join(MODELS, "checkpoints", "seed-vgg.pt")):
                snet, _ = load("seed-vgg")
                st = image_like(g, 2, 224, 224)
                dump("seed-vgg", "tile", {"tile": st}, {"output": snet(st)[0]})
    with open(os.path.join(out, "cases.json"), "w") as f:
        json.dump(cases, f, indent=1)


if __name__ == "__main__":
    main()

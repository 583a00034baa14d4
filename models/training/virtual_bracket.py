"""The twin of electron/engine/normalize/virtual-bracket.ts: a prior on the network's curves from
the frame itself.

The eval's reference is a Mertens fusion of a real bracket. A bracket's other frames are, to a
first approximation, this frame pushed up and down in light and clipped, so the Mertens fusion of
such a virtual bracket of the thumbnail says where the fusion would put each region; its
luminance is fitted to the transform's grid of curves and blended into the network's. Where the
thumbnail holds no pixels near a knot the fit keeps the network's curve.

  prior_curves(thumb, curves, color, xk, weight) -> curves blended toward the fit
"""
import math

import cv2
import numpy as np
import torch

import applier
from dataset import lin_to_srgb, srgb_to_lin

# mid-grey in light: the virtual bracket spans SPAN stops either side of the push that brings the
# frame's geometric mean there (and always includes the frame itself)
MID = 0.18
SPAN = 3
# pull of the network's curve on the fit, in (bilinear x knot-hat) pixel weights
LAMBDA = 4.0
# the blend's weight fades in over this many stops of push (0 for a frame at or above mid-grey)
FADE_STOPS = 4.0  # 2 until 2.13.0's engine: 4 re-tones well-exposed low-key photos less (MODEL_CARD.md)
# what the engine ships (virtual-bracket.ts WEIGHT, FADE, HALF): chosen on dev (MODEL_CARD.md,
# Evaluation, "Virtual bracket")
WEIGHT = 0.5
FADE = True
HALF = True
SHIPPED = {"weight": WEIGHT, "fade": FADE, "half": HALF}


def push_stops(lin):
    """Stops that bring the frame's geometric mean luminance (mean of R, G, B in light) to MID."""
    gm = math.exp(float(np.log(lin.mean(0) + 1e-4).mean()))
    return math.log2(MID / max(gm, 1e-6))


def fuse(thumb):
    """thumb [3,H,W] float32 sRGB-encoded 0..1 -> (the Mertens(1,1,1) fusion of its virtual bracket
    [H,W,3], the push in stops)."""
    lin = srgb_to_lin(thumb.astype(np.float64))
    kc = push_stops(lin)
    k0 = math.floor(kc + 0.5)
    # OpenCV scales every input by 1/255 whatever its type, so float frames go in at 0..255;
    # RGB-ordered, as the engine's parity tests feed it (its grey weights R and B as given)
    frames = [np.ascontiguousarray(lin_to_srgb(lin * 2.0 ** k).transpose(1, 2, 0) * 255, np.float32)
              for k in range(min(0, k0 - SPAN), max(0, k0 + SPAN) + 1)]
    return cv2.createMergeMertens(1, 1, 1).process(frames), kc


def curve_luma(thumb, color):
    """The luminance the applier reads its curves at (applier.white_balanced): [H,W]."""
    c = applier.white_balanced(torch.from_numpy(np.ascontiguousarray(thumb, np.float32))[None],
                               torch.from_numpy(np.asarray(color, np.float32))[None])[0].double().numpy()
    return (c * np.array(applier.LUMA, np.float64)[:, None, None]).sum(0)


def splat_fit(y, target, base, xk):
    """The grid of curves [K,GH,GW] that reads y [H,W] as target [H,W]: each pixel's target split
    over its four cells (bilinear between centres, as the applier reads them) and its two knots
    (linear between them), a weighted mean per cell and knot pulled toward base by LAMBDA, then
    made monotone (running maximum along the knots)."""
    k, gh, gw = base.shape
    h, w = y.shape
    r0, r1, fy = (a.numpy() for a in applier.spatial_weights(h, gh, "cpu"))
    c0, c1, fx = (a.numpy() for a in applier.spatial_weights(w, gw, "cpu"))
    yc = np.clip(y, 0, 1).ravel()
    idx = np.clip(np.searchsorted(xk[1:-1], yc, side="right"), 0, k - 2)
    t = (yc - xk[idx]) / (xk[idx + 1] - xk[idx])
    rows0, rows1, wy = np.repeat(r0, w), np.repeat(r1, w), np.repeat(fy, w)
    cols0, cols1, wx = np.tile(c0, h), np.tile(c1, h), np.tile(fx, h)
    p = target.ravel()
    n = k * gh * gw
    wsum, tsum = np.zeros(n), np.zeros(n)
    for rr, cc, ws in ((rows0, cols0, (1 - wy) * (1 - wx)), (rows0, cols1, (1 - wy) * wx),
                       (rows1, cols0, wy * (1 - wx)), (rows1, cols1, wy * wx)):
        for kk, wk in ((idx, 1 - t), (idx + 1, t)):
            cell = (kk * gh + rr) * gw + cc
            wsum += np.bincount(cell, ws * wk, n)
            tsum += np.bincount(cell, ws * wk * p, n)
    fit = (tsum.reshape(k, gh, gw) + LAMBDA * base) / (wsum.reshape(k, gh, gw) + LAMBDA)
    return np.maximum.accumulate(fit, axis=0)


def prior_curves(thumb, curves, color, xk, weight, fade=False, half=False):
    """thumb [N,3,H,W] (the network's view before any light is hidden), curves [N,K,GH,GW] and
    color [N,C] from the network -> curves blended weight of the way toward the fit to each
    thumbnail's virtual bracket (fade: the weight faded in with the push, FADE_STOPS; half: the
    bracket fused and fitted on the thumbnail area-halved, a quarter of the work). The fit is a
    constant to autograd, so training through the prior sees the network's curves scaled by 1 - w."""
    if half:
        thumb = torch.nn.functional.avg_pool2d(thumb, 2)
    fits, ws = [], []
    xs = xk.detach().cpu().numpy().astype(np.float64)
    for t, c, col in zip(thumb.detach().cpu().numpy(), curves.detach().cpu().numpy().astype(np.float64),
                         color.detach().cpu().numpy().astype(np.float64)):
        fused, kc = fuse(t)
        target = np.clip((fused.astype(np.float64) * np.array(applier.LUMA)).sum(2), 0, 1)
        fits.append(splat_fit(curve_luma(t, col), target, c, xs))
        ws.append(weight * (min(max(kc / FADE_STOPS, 0.0), 1.0) if fade else 1.0))
    w = torch.tensor(ws, dtype=curves.dtype, device=curves.device).view(-1, 1, 1, 1)
    return (1 - w) * curves + w * torch.from_numpy(np.stack(fits)).to(curves.device, curves.dtype)

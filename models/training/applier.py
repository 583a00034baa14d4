"""The PyTorch twin of electron/engine/normalize/curve-apply.ts: applies the v2 model's
transform (a grid of local tone curves on luminance + a bounded global colour step) to
pixels at any resolution. Training uses it to score the network's transform on real
pixels; test/engine/normalize/curve-apply.test.ts holds the TypeScript applier to it (<= 1e-4).

Transform, per pixel (sRGB-encoded values, x/y normalised to the photo):
  1. white balance   c = rgb * (wb + (wb_dark - wb) * e(Y0)),  Y0 = luma(rgb),
                     e(Y0) = (1 - (Y0 / dark_wb)^2)^2 below dark_wb, 0 above (smooth, and no
                     work for the pixels above it)  (wb, wb_dark: 3 gains each, bounded,
                     luminance-neutral; the dark end of a camera JPEG has channel balance of its
                     own. A 6-value colour vector has no wb_dark: wb throughout)
  2. luminance       Y = 0.2126 c.r + 0.7152 c.g + 0.0722 c.b
  3. tone            f = curve(x, y, Y): the GHxGW grid of piecewise-linear curves (knots KNOTS),
                     bilinear between cell centres (clamped at the border), linear beyond the
                     last knot
  4. one gain        G = min(T(f) / T(max(Y, 1e-6)), 1 / max(T(c)))  same for R, G and B, in
                     light (T: encoded values to light, below), so hue and neutrals are kept
                     as the scene had them, and no channel is pushed past 1; o = E(G * T(c))
  5. saturation      out = f + s * (o - f),  s = sat + (sat_dark - sat) * d(Y),
                     d(Y) = 1 / (1 + (Y / dark)^2): the darkest input values (noise, JPEG
                     chroma) get their own bounded saturation; sat, sat_dark and dark are global
  6. clamp to 0..1

T(e) = e (e + TOE) / (1 + TOE): linear near black, about gamma 1.8 at the top, T(1) = 1; E is
its inverse (one square root). A gain on the encoded values keeps their ratios, but near black
a camera's encoding is close to linear while its mid-tones are compressed (about gamma 2.2): a
dark frame's R:G:B at 8 codes is nearly the scene's, at code 120 it is the scene's ** (1/2.2).
Brightening the first with one encoded gain keeps the uncompressed ratio, which reads as added
saturation and a hue pulled toward the strongest channel (red-orange candle light came out
magenta, MODEL_CARD.md). The same gain in light keeps the scene's ratio. A pure power law
would cancel out of the gain; only the toe matters.

Saturation is taken about f, the luminance the curve asked for: where the cap lowered the
gain, s < 1 moves the pixel toward that luminance instead of toward the capped one.
"""
import torch
import torch.nn.functional as F

LUMA = (0.2126, 0.7152, 0.0722)
# the scale of to_light's toe: chosen on dev's real bracket frames under the darkness-real rule,
# against 0.1, 0.2 and 0.5 and against gamma 2 with a linear toe (which costs a branch to undo;
# MODEL_CARD.md, Training)
TOE = 0.3


def to_light(e, toe=TOE):
    """Encoded 0..1 (or above; >= 0) -> light: e (e + toe) / (1 + toe)."""
    return e * (e + toe) / (1 + toe)


def from_light(v, toe=TOE):
    """to_light's inverse, for v >= 0."""
    return (torch.sqrt(toe * toe + 4 * (1 + toe) * v) - toe) / 2


def knots(k=24, power=2.5):
    """Knot positions on the luminance axis: dense in the shadows, where a dark frame lives."""
    return torch.linspace(0, 1, k) ** power


def spatial_weights(size, cells, device):
    """Per-pixel bilinear weights over cell centres along one axis: (i0 [size], i1 [size], w1 [size])."""
    u = (torch.arange(size, device=device, dtype=torch.float32) + 0.5) * (cells / size) - 0.5
    u = u.clamp(0, cells - 1)
    i0 = torch.floor(u).long().clamp(max=cells - 1)
    i1 = (i0 + 1).clamp(max=cells - 1)
    return i0, i1, u - i0.float()


def tone(curves, xk, y):
    """f(x, y, Y) for every pixel: curves [N,K,GH,GW], y (luminance) [N,1,H,W] -> [N,1,H,W].
    Only the four cells around a pixel are evaluated (two knot reads each)."""
    n, k, gh, gw = curves.shape
    _, _, h, w = y.shape
    yc = y.clamp(min=0)
    # segment index: interior knots <= y, so y beyond the last knot extends the last segment
    idx = torch.bucketize(yc.contiguous(), xk[1:-1].contiguous(), right=True)  # 0..K-2
    x0 = xk[idx]
    t = ((yc - x0) / (xk[idx + 1] - x0)).reshape(n, h * w)
    idx = idx.reshape(n, h * w)
    flat = curves.permute(0, 2, 3, 1).reshape(n, gh * gw * k)  # [N, cell*K + knot]
    r0, r1, fy = spatial_weights(h, gh, y.device)
    c0, c1, fx = spatial_weights(w, gw, y.device)

    def at(rows, cols):
        cell = (rows[:, None] * gw + cols[None, :]).reshape(1, h * w) * k + idx
        a = torch.gather(flat, 1, cell)
        b = torch.gather(flat, 1, cell + 1)
        return a + (b - a) * t

    fx = fx[None, :].expand(h, w).reshape(1, h * w)
    fy = fy[:, None].expand(h, w).reshape(1, h * w)
    a00, a01, a10, a11 = at(r0, c0), at(r0, c1), at(r1, c0), at(r1, c1)
    top = a00 + (a01 - a00) * fx
    bot = a10 + (a11 - a10) * fx
    return (top + (bot - top) * fy).reshape(n, 1, h, w)


def white_balanced(rgb, color):
    """rgb [N,3,H,W] clamped at 0 and through the colour step's white balance, blended toward the
    dark balance below its scale when color has 10 values: what the curves read the luminance of."""
    wb = color[:, :3, None, None]
    rgb = rgb.clamp(min=0)
    if color.shape[1] == 10:
        luma = torch.tensor(LUMA, device=rgb.device, dtype=rgb.dtype)[None, :, None, None]
        y0 = (rgb * luma).sum(1, keepdim=True)
        e = (1 - (y0 / color[:, 9:10, None, None]) ** 2).clamp(min=0) ** 2
        wb = wb + (color[:, 6:9, None, None] - wb) * e
    return rgb * wb


def apply(rgb, curves, xk, color, light=None, about_f=True):
    """rgb [N,3,H,W] (>= 0, may exceed 1), curves [N,K,GH,GW], xk [K], color [N,6] = (wb r,g,b,
    sat, sat_dark, dark) or [N,10] = those + (wb_dark r,g,b, dark_wb).
    light (a (to, from) pair) and about_f=False stand in other forms of step 4 and 5 for
    oracle_check.py light: (identity, identity) with about_f=False is the applier before 2.9.0."""
    to, back = light or (to_light, from_light)
    sat = color[:, 3:4, None, None]
    sat_dark = color[:, 4:5, None, None]
    dark = color[:, 5:6, None, None]
    luma = torch.tensor(LUMA, device=rgb.device, dtype=rgb.dtype)[None, :, None, None]
    c = white_balanced(rgb, color)
    y = (c * luma).sum(1, keepdim=True)
    f = tone(curves, xk, y)
    lc, ly = to(c), to(y.clamp(min=1e-6))
    g = to(f) / ly
    g = torch.minimum(g, 1 / lc.amax(1, keepdim=True).clamp(min=1e-6))
    s = sat + (sat_dark - sat) / (1 + (y / dark) ** 2)
    about = f if about_f else back(g * ly)
    out = about + s * (back(g * lc) - about)
    return out.clamp(0, 1)


# The deep-shadow smoothing (electron/engine/normalize/shadow-smooth.ts), which the engine runs
# on what the curves read when a transform lifts the deep shadows far: a [1 2 1]/4 filter each
# way in linear light, blended in below SHADOW_HI of smoothed luminance (fully at SHADOW_LO).
SHADOW_LO = 2 / 255
SHADOW_HI = 10 / 255
SHADOW_MIN_LIFT = 8


def srgb_to_lin(v):
    """sRGB-encoded -> linear light, exact (train.py's CIELAB uses it too)."""
    return torch.where(v <= 0.04045, v / 12.92, ((v.clamp(min=0.04045) + 0.055) / 1.055) ** 2.4)


def lin_to_srgb(v):
    return torch.where(v <= 0.0031308, v * 12.92, 1.055 * v.clamp(min=0.0031308) ** (1 / 2.4) - 0.055)


def shadow_lift(curves, xk):
    """[N]: the largest lift any cell's curve gives luminance SHADOW_HI (shadowLift)."""
    k = xk.shape[0]
    i = 0
    while i < k - 2 and float(xk[i + 1]) <= SHADOW_HI:
        i += 1
    f = (SHADOW_HI - xk[i]) / (xk[i + 1] - xk[i])
    v = curves[:, i] + (curves[:, i + 1] - curves[:, i]) * f
    return v.flatten(1).amax(1).clamp(min=0) / SHADOW_HI


def smooth_shadows(rgb, curves, xk):
    """rgb [N,3,H,W] as the engine's curves read it: photos whose transform lifts SHADOW_HI by
    SHADOW_MIN_LIFT or more have their deep shadows smoothed (borders mirrored, reflect-101)."""
    lin = srgb_to_lin(rgb.clamp(min=0))
    k = torch.tensor([0.25, 0.5, 0.25], dtype=rgb.dtype, device=rgb.device)
    n, c, h, w = lin.shape

    def mirror(size):  # reflect-101; a single row or column mirrors itself
        return "reflect" if size > 1 else "replicate"

    sm = F.pad(lin.reshape(n * c, 1, h, w), (1, 1, 0, 0), mode=mirror(w))
    sm = F.pad(F.conv2d(sm, k.view(1, 1, 1, 3)), (0, 0, 1, 1), mode=mirror(h))
    sm = F.conv2d(sm, k.view(1, 1, 3, 1)).reshape(n, c, h, w)
    luma = torch.tensor(LUMA, device=rgb.device, dtype=rgb.dtype)[None, :, None, None]
    e = (sm * luma).sum(1, keepdim=True) * 12.92  # SHADOW_HI lies in sRGB's linear toe
    al = ((SHADOW_HI - e) / (SHADOW_HI - SHADOW_LO)).clamp(0, 1)
    out = torch.where(al > 0, lin_to_srgb(lin + al * (sm - lin)), rgb)
    on = (shadow_lift(curves, xk) >= SHADOW_MIN_LIFT)[:, None, None, None]
    return torch.where(on, out, rgb)


def apply_smoothed(rgb, curves, xk, color):
    """What the engine applies: the shadow smoothing, then the transform (apply)."""
    return apply(smooth_shadows(rgb, curves, xk), curves, xk, color)

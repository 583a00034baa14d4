"""Evenlight exposure model and the seed baseline.

Evenlight = ContextNet (224x224 thumbnail of the whole photo -> global vector, run once per photo)
          + TileNet (tile + context -> per-pixel-smooth tone curves at 1/4 resolution, applied to the
            full-resolution input pixels). The output is the input pushed through monotone curves, so
            detail and edges come from the input, and the curves vary smoothly (bilinear upsampling of
            a coarse map), so tiles stitch without seams.
SeedVGG = the seed's architecture (VGG-16 style encoder, six skips, deconvolution decoder,
          leaky ReLU, sigmoid output) with channel widths divided by `width_div`.
"""
import math
import os

import torch
import torch.nn as nn
import torch.nn.functional as F

from applier import LUMA, lin_to_srgb, srgb_to_lin  # models/training is on sys.path wherever this module is imported


def conv(cin, cout, k=3, s=1):
    # reflect padding: tile borders see mirrored content, like the stitcher's reflect padding
    return nn.Conv2d(cin, cout, k, s, padding=k // 2, padding_mode="reflect" if k > 1 else "zeros")


class ContextNet(nn.Module):
    def __init__(self, dim=64, widths=(16, 32, 48, 64, 64)):
        super().__init__()
        layers, cin = [], 3
        for w in widths:
            layers += [conv(cin, w, 3, 2), nn.LeakyReLU(0.2)]
            cin = w
        self.body = nn.Sequential(*layers)
        self.head = nn.Sequential(nn.Linear(2 * cin, 128), nn.LeakyReLU(0.2), nn.Linear(128, dim))

    def forward(self, thumb):
        f = self.body(thumb.clamp(0, 1))
        g = torch.cat([f.mean(dim=(2, 3)), f.amax(dim=(2, 3))], dim=1)
        return self.head(g)


class TileNet(nn.Module):
    def __init__(self, dim=64, ch=32, iters=8, down=4):
        super().__init__()
        self.iters, self.down = iters, down
        self.c1 = conv(3, ch)
        self.film = nn.Linear(dim, 2 * ch)
        self.c2 = conv(ch, ch)
        self.c3 = conv(ch, ch)
        self.local = nn.Conv2d(ch, 3 * iters, 1)
        self.glob = nn.Linear(dim, 3 * iters)  # the global curve: same for every tile of a photo
        nn.init.zeros_(self.film.weight)
        nn.init.zeros_(self.film.bias)
        nn.init.normal_(self.local.weight, std=1e-3)
        nn.init.zeros_(self.local.bias)

    def coeffs(self, x, context):
        h, w = x.shape[2], x.shape[3]
        lo = F.avg_pool2d(x, self.down, self.down, ceil_mode=True)
        f = F.leaky_relu(self.c1(lo), 0.2)
        gb = self.film(context)[:, :, None, None]
        gamma, beta = gb.chunk(2, dim=1)
        f = F.leaky_relu(f * (1 + gamma) + beta, 0.2)
        f = F.leaky_relu(self.c2(f), 0.2)
        f = F.leaky_relu(self.c3(f), 0.2)
        a = torch.tanh(self.local(f) + self.glob(context)[:, :, None, None])
        a = F.interpolate(a, scale_factor=float(self.down), mode="bilinear", align_corners=False)
        return a[:, :, :h, :w]

    def forward(self, tile, context):
        x = tile.clamp(0, 1)
        a = self.coeffs(x, context)
        y = x
        for i in range(self.iters):
            # Zero-DCE quadratic curve: monotone, maps [0,1] onto [0,1] for a in [-1,1]
            y = y + a[:, 3 * i:3 * i + 3] * y * (1 - y)
        return y, a


class Evenlight(nn.Module):
    kind = "evenlight"

    def __init__(self, dim=64, ch=32, iters=8, down=4):
        super().__init__()
        self.context = ContextNet(dim)
        self.tile = TileNet(dim, ch, iters, down)
        self.dim = dim

    def forward(self, tile, thumb):
        out, a = self.tile(tile, self.context(thumb))
        return out, a


def block(cin, cout, n):
    layers = []
    for i in range(n):
        layers += [nn.Conv2d(cin if i == 0 else cout, cout, 3, 1, 1), nn.LeakyReLU(0.2)]
    return nn.Sequential(*layers)


class SeedVGG(nn.Module):
    """The seed architecture; input H, W must be multiples of 32 (224 tiles)."""
    kind = "seed-vgg"

    def __init__(self, width_div=8):
        super().__init__()
        w = [max(4, c // width_div) for c in (64, 128, 256, 512, 512)]
        self.enc = nn.ModuleList([block(3, w[0], 2), block(w[0], w[1], 2), block(w[1], w[2], 3),
                                  block(w[2], w[3], 3), block(w[3], w[4], 3)])
        self.mid = block(w[4], w[4], 1)
        ups, cin = [], w[4]
        # skips: enc5 (14), enc4 (28), enc3 (56), enc2 (112), enc1 (224), input image (224) = six
        for skip in (w[4], w[3], w[2], w[1], w[0]):
            ups.append(nn.ModuleDict({"up": nn.ConvTranspose2d(cin, skip, 4, 2, 1),
                                      "fuse": block(2 * skip, skip, 1)}))
            cin = skip
        self.ups = ups = nn.ModuleList(ups)
        self.out = nn.Sequential(nn.Conv2d(cin + 3, cin, 3, 1, 1), nn.LeakyReLU(0.2), nn.Conv2d(cin, 3, 1))

    def forward(self, tile, thumb=None):
        x = tile.clamp(0, 1)
        skips, f = [], x
        for b in self.enc:
            f = b(f)
            skips.append(f)
            f = F.max_pool2d(f, 2)
        f = self.mid(f)
        for u, s in zip(self.ups, reversed(skips)):
            f = u["fuse"](torch.cat([F.leaky_relu(u["up"](f), 0.2), s], dim=1))
        y = torch.sigmoid(self.out(torch.cat([f, x], dim=1)))
        return y, y


def build(cfg, ck_dir=None):
    """The network a config describes; a "balance" config also loads its frozen base
    checkpoints from ck_dir (models/checkpoints). "dark_wb": false builds it with every dark
    balance head's white balance left out, as 2.13.0 ships (without_dark_wb)."""
    net = build_arch(cfg, ck_dir)
    return net if cfg.get("dark_wb", True) else without_dark_wb(net)


def build_arch(cfg, ck_dir=None):
    if cfg["arch"] == "evenlight2-balance":
        return Balanced(load_transform(cfg["base"], ck_dir), DarkBalance(cfg.get("bands", 6), cfg.get("hidden", 32)))
    if cfg["arch"] == "evenlight2-finetune":
        return FineTuned(load_transform(cfg["base"], ck_dir), cfg.get("trainable"))
    if cfg["arch"] == "evenlight2-lift":
        return Toned(load_transform(cfg["base"], ck_dir), DarkLift(cfg.get("gamma_range", 0.7)))
    if cfg["arch"] == "evenlight2-tone":
        base = load_transform(cfg["base"], ck_dir)
        return Toned(base, tone_head(cfg, base))
    if cfg["arch"] == "evenlight2-gated-tone":
        base = load_transform(cfg["base"], ck_dir)
        return Toned(base, GatedTone(tone_head_of(cfg["above"], cfg["base"], base, ck_dir), tone_head(cfg, base),
                                     cfg["gate"]["below"], cfg["gate"]["width"]))
    if cfg["arch"] == "evenlight":
        return Evenlight(cfg.get("dim", 64), cfg.get("ch", 32), cfg.get("iters", 8), cfg.get("down", 4))
    if cfg["arch"] == "evenlight2":
        return build2(cfg)
    if cfg["arch"] == "seed-vgg":
        return SeedVGG(cfg.get("width_div", 8))
    raise ValueError(f"unknown arch {cfg['arch']}")


def tone_head(cfg, base):
    return ToneHead(base.xk.numel(), cfg.get("bands", 10), cfg.get("hidden", 32), cfg.get("gamma_range", 0.7))


def tone_head_of(name, base_names, base, ck_dir=None):
    """The trained ToneHead of a tone checkpoint (which holds the head alone), checked to sit on
    the same base."""
    ck = read_checkpoint(name, ck_dir)
    if ck["config"]["arch"] != "evenlight2-tone" or ck["config"]["base"] != base_names:
        raise ValueError(f"checkpoint {name}: not a tone head on {base_names}")
    head = tone_head(ck["config"], base)
    head.load_state_dict({k[len("head."):]: v for k, v in ck["state_dict"].items() if k.startswith("head.")})
    return head.eval()


def n_params(m):
    return sum(p.numel() for p in m.parameters())


class CurveNet(nn.Module):
    """Evenlight v2: sees only a 224x224 thumbnail of the whole photo and predicts the
    transform the applier (applier.py, and its TypeScript twin) applies at full resolution:
    a GHxGW grid of monotone tone curves on luminance (a global curve plus local residuals)
    and a bounded global colour step (white-balance gains, saturation).

    Input: thumb [N,3,224,224] sRGB 0..1. Outputs: curves [N,K,GH,GW] (knot values at
    applier.knots(K)), color [N,6] = (wb_r, wb_g, wb_b, saturation, saturation of the darkest
    input values, the luminance scale of "darkest").
    """
    kind = "evenlight2"

    def __init__(self, k=24, widths=(16, 32, 48, 64), dim=64, power=2.5, wb_range=0.12, sat_range=(0.6, 1.3), dark_sat=False):
        super().__init__()
        self.k, self.power = k, power
        self.wb_range, self.sat_range = wb_range, sat_range
        layers, cin = [], 4  # r, g, b + log luminance (dark frames carry their content in a few codes)
        for w in widths:  # 224 -> 14: one grid cell per 16x16 thumbnail pixels
            layers += [conv(cin, w, 3, 2), nn.LeakyReLU(0.2)]
            cin = w
        self.body = nn.Sequential(*layers)
        self.glob_body = nn.Sequential(conv(cin, dim, 3, 2), nn.LeakyReLU(0.2), conv(dim, dim, 3, 2), nn.LeakyReLU(0.2))
        self.glob_head = nn.Sequential(nn.Linear(2 * dim + 16, dim), nn.LeakyReLU(0.2))
        self.glob_curve = nn.Linear(dim, k - 1)
        self.glob_color = nn.Linear(dim, 4)
        # optionally a saturation of its own for the darkest input values (8-bit shadows of a
        # dark frame carry noise and JPEG chroma, which one gain for R, G and B amplifies), and
        # below which luminance it holds; without it both outputs say "same as sat"
        self.glob_dark = nn.Linear(dim, 2) if dark_sat else None
        self.film = nn.Linear(dim, 2 * dim)
        self.local = nn.Sequential(conv(cin, dim, 3, 1), nn.LeakyReLU(0.2), conv(dim, dim, 3, 1))
        self.local_head = nn.Conv2d(dim, k - 1, 1)
        for m in (self.glob_curve, self.glob_color, self.local_head, self.film) + ((self.glob_dark,) if dark_sat else ()):
            nn.init.zeros_(m.weight)
            nn.init.zeros_(m.bias)
        xk = torch.linspace(0, 1, k) ** power
        self.register_buffer("xk", xk)
        self.register_buffer("dx", xk[1:] - xk[:-1])
        edges = torch.linspace(-8, 0, 17)
        self.register_buffer("hist_centres", (edges[1:] + edges[:-1]) / 2)

    def features(self, thumb):
        x = thumb.clamp(0, 1)
        y = 0.2126 * x[:, 0:1] + 0.7152 * x[:, 1:2] + 0.0722 * x[:, 2:3]
        ly = torch.log2(y + 1 / 512)  # -9..0
        return torch.cat([x, ly / 9 + 1], dim=1), ly

    def forward(self, thumb):
        x, ly = self.features(thumb)
        f = self.body(x)  # [N,64,14,14]
        gfe = self.glob_body(f)
        # a soft 16-bin histogram of log2 luminance: exposure statistics the convs need not learn
        # (every 4th pixel each way: the same histogram for a 16th of the work)
        hist = torch.exp(-((ly[:, :, ::4, ::4].flatten(1)[:, :, None] - self.hist_centres) ** 2) / 0.125).mean(1)
        g = self.glob_head(torch.cat([gfe.mean(dim=(2, 3)), gfe.amax(dim=(2, 3)), hist], dim=1))
        gamma, beta = self.film(g)[:, :, None, None].chunk(2, dim=1)
        loc = F.leaky_relu(self.local(f) * (1 + gamma) + beta, 0.2)
        logits = self.local_head(loc) + self.glob_curve(g)[:, :, None, None]  # [N,K-1,14,14]
        slopes = torch.exp(6 * torch.tanh(logits / 6))  # 1 at init: the identity curve
        incr = slopes * self.dx[None, :, None, None]
        zero = torch.zeros_like(incr[:, :1])
        curves = torch.cumsum(torch.cat([zero, incr], dim=1), dim=1)
        c = self.glob_color(g)
        wb = torch.exp(self.wb_range * torch.tanh(c[:, :3]))
        wb = wb / (0.2126 * wb[:, 0:1] + 0.7152 * wb[:, 1:2] + 0.0722 * wb[:, 2:3])
        lo, hi = self.sat_range
        p1 = (1 - lo) / (hi - lo)  # saturation 1 at init
        sat = lo + (hi - lo) * torch.sigmoid(c[:, 3:4] + math.log(p1 / (1 - p1)))
        if self.glob_dark is None:
            sat_dark, dark = sat, torch.full_like(sat, 0.01)
        else:
            d = self.glob_dark(g)
            p2 = 1 / hi  # dark saturation 1 at init, bounded to 0..hi
            sat_dark = hi * torch.sigmoid(d[:, 0:1] + math.log(p2 / (1 - p2)))
            # the luminance scale of "dark": 0.003..0.1 (0.8/255..25/255), 0.01 at init
            p3 = (0.01 - 0.003) / 0.097
            dark = 0.003 + 0.097 * torch.sigmoid(d[:, 1:2] + math.log(p3 / (1 - p3)))
        return curves, torch.cat([wb, sat, sat_dark, dark], dim=1)


def build2(cfg):
    return CurveNet(cfg.get("k", 24), tuple(cfg.get("widths", (16, 32, 48, 64))), cfg.get("dim", 64), cfg.get("power", 2.5),
                    cfg.get("wb_range", 0.12), tuple(cfg.get("sat_range", (0.6, 1.3))), cfg.get("dark_sat", False))


class Mean(nn.Module):
    """Several CurveNets as one: the mean of their curves (monotone stays monotone) and colour outputs."""
    kind = "evenlight2"

    def __init__(self, nets):
        super().__init__()
        self.nets = nn.ModuleList(nets)
        self.register_buffer("xk", nets[0].xk.clone())
        for n in nets:
            # the same config's knots; torch builds (a GPU machine's, Debian's) may round
            # linspace ** power differently in the last bit
            if n.xk.shape != self.xk.shape or not torch.allclose(n.xk, self.xk, rtol=0, atol=1e-6):
                raise ValueError("the ensembled checkpoints must share their knots")

    def forward(self, thumb):
        outs = [n(thumb) for n in self.nets]
        return (torch.stack([o[0] for o in outs]).mean(0), torch.stack([o[1] for o in outs]).mean(0))


def read_checkpoint(name, ck_dir=None):
    """models/checkpoints/<name>.pt as saved by train.py (config, state_dict, step); no network built."""
    ck_dir = ck_dir or os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "checkpoints")
    return torch.load(os.path.join(ck_dir, f"{name}.pt"), map_location="cpu")


def load_checkpoint(name, ck_dir=None):
    """models/checkpoints/<name>.pt as an eval-mode network, and the checkpoint dict."""
    ck = read_checkpoint(name, ck_dir)
    net = build(ck["config"], ck_dir)
    missing, unexpected = net.load_state_dict(ck["state_dict"], strict=False)
    # a balance checkpoint stores its head only: the base comes from its own checkpoints
    prefix = getattr(net, "frozen_prefix", None)
    if unexpected or any(not (prefix and k.startswith(prefix)) for k in missing):
        raise ValueError(f"checkpoint {name}: keys do not match its config ({missing[:3]}, {unexpected[:3]})")
    net.eval()
    return net, ck


def load_transform(names, ck_dir=None):
    """One transform network from checkpoint names: one checkpoint, or the mean of several."""
    nets = [load_checkpoint(n, ck_dir)[0] for n in names]
    return nets[0] if len(nets) == 1 else Mean(nets).eval()


class DarkBalance(nn.Module):
    """A global colour step for the dark end of the input, predicted from the thumbnail's
    chroma per luminance band. Dark camera JPEGs lose blue and red against green in their
    lowest codes (black-level clipping of noisy channels, the camera's toe); one gain for R, G
    and B then turns a night scene's greys yellow or green once it is brightened. The head
    sees, per band of log2 luminance, how much of the photo lies there and its mean
    log(R/G), log(B/G), and predicts white-balance gains for dark input values (relative to
    the base's, luminance-neutral, each within exp(+-0.5)), the luminance below which they
    blend in (0.02..0.6; applier.py) and a saturation factor (exp(+-0.3)). Zero-initialised:
    identity.
    """

    def __init__(self, bands=6, hidden=32):
        super().__init__()
        self.register_buffer("centres", torch.linspace(-8.5, -1, bands))
        self.mlp = nn.Sequential(nn.Linear(3 * bands, hidden), nn.LeakyReLU(0.2), nn.Linear(hidden, hidden),
                                 nn.LeakyReLU(0.2), nn.Linear(hidden, 5))
        nn.init.zeros_(self.mlp[-1].weight)
        nn.init.zeros_(self.mlp[-1].bias)

    def features(self, thumb):
        x = thumb.clamp(0, 1)[:, :, ::2, ::2]  # every 2nd pixel each way: the same statistics, a quarter of the work
        y = LUMA[0] * x[:, 0] + LUMA[1] * x[:, 1] + LUMA[2] * x[:, 2]
        ly = torch.log2(y + 1 / 512).flatten(1)[:, :, None]
        w = torch.exp(-((ly - self.centres) ** 2) / (2 * 0.75 ** 2))  # [N,P,B] soft band membership
        e = 1 / 255
        rg = torch.log((x[:, 0] + e) / (x[:, 1] + e)).flatten(1)[:, :, None]
        bg = torch.log((x[:, 2] + e) / (x[:, 1] + e)).flatten(1)[:, :, None]
        mass = w.mean(1)
        norm = w.sum(1) + 1e-3
        return torch.cat([mass, (w * rg).sum(1) / norm, (w * bg).sum(1) / norm], dim=1)

    @staticmethod
    def outputs(z):
        """Raw outputs z [N,5] -> (gains relative to the base's wb [N,3], scale [N,1], saturation
        factor [N,1]); z = 0 gives the identity (and a scale of 0.2)."""
        rel = torch.exp(0.5 * torch.tanh(z[:, :3]))
        p = (0.2 - 0.02) / 0.58
        scale = 0.02 + 0.58 * torch.sigmoid(z[:, 3:4] + math.log(p / (1 - p)))
        return rel, scale, torch.exp(0.3 * torch.tanh(z[:, 4:5]))

    def forward(self, thumb):
        return self.outputs(self.mlp(self.features(thumb)))


def balanced_color(color, rel, scale, satmul, dark_wb=True):
    """The base's 6 colour values and the head's outputs -> applier.apply's 10-value form;
    without dark_wb the dark values keep the base's white balance (wb_dark = wb exactly)."""
    wb = color[:, :3]
    if dark_wb:
        wbd = wb * rel
        wbd = wbd / (LUMA[0] * wbd[:, 0:1] + LUMA[1] * wbd[:, 1:2] + LUMA[2] * wbd[:, 2:3])  # luminance-neutral
    else:
        wbd = wb
    return torch.cat([wb, color[:, 3:5] * satmul, color[:, 5:6], wbd, scale], dim=1)


class OnFrozenBase(nn.Module):
    """A head trained on a frozen transform network (base). The base is loaded from its own
    checkpoints, so a checkpoint of such a module holds the head alone (frozen_prefix)."""
    kind = "evenlight2"
    frozen_prefix = "base."

    def __init__(self, base, head):
        super().__init__()
        self.base, self.head = base, head
        for p in base.parameters():
            p.requires_grad_(False)
        self.register_buffer("xk", base.xk.clone())


class Balanced(OnFrozenBase):
    """A DarkBalance head on its base: color grows from 6 values to 10 = (wb r,g,b, sat,
    sat_dark, dark, wb_dark r,g,b, dark_wb), applier.apply's long form. dark_wb False
    (without_dark_wb): the head's saturation factor alone, its white balance left out."""
    dark_wb = True

    def forward(self, thumb):
        curves, color = self.base(thumb)
        return curves, balanced_color(color, *self.head(thumb), dark_wb=self.dark_wb)


def without_dark_wb(net):
    """net with every dark balance head's white balance left out (export.DARK_WB); returns net."""
    for m in net.modules():
        if isinstance(m, Balanced):
            m.dark_wb = False
    return net


def log2_luma(thumb):
    """log2(Y + 1/512) per pixel of a [N,3,H,W] sRGB 0..1 image -> [N,H,W]."""
    x = thumb.clamp(0, 1)
    return torch.log2(LUMA[0] * x[:, 0] + LUMA[1] * x[:, 1] + LUMA[2] * x[:, 2] + 1 / 512)


def raise_curves(curves, gamma):
    """curves [N,K,GH,GW] ** gamma [N,1]: every curve stays monotone and 0 at 0, and values near
    1 move least, so the mid-tones lift (gamma < 1) without clipping highlights. The first knot
    is 0, where x ** gamma has no finite slope: the floor keeps gradients finite, and taking its
    own power off keeps 0 at 0."""
    g = gamma[:, :, None, None]
    return curves.clamp_min(1e-6) ** g - 1e-6 ** g


class ToneHead(nn.Module):
    """One global exponent on the base's tone curves, from the thumbnail's log2-luminance
    histogram and the base's mean curve (raise_curves). Built because the networks under it
    leave unseen dark frames too dark (median log2 luminance bias -0.7 on the dev frames of mean
    log2 luminance <= -6, about -1.1 on test and held-out); trained on the train frames, where
    the networks are nearly right (-0.25), it learns only a small exponent (MODEL_CARD.md).
    gamma lies in exp(+-gamma_range). Zero-initialised: identity.
    """

    def __init__(self, k=24, bands=10, hidden=32, gamma_range=0.7):
        super().__init__()
        self.gamma_range = gamma_range
        self.register_buffer("centres", torch.linspace(-9, 0, bands))
        self.mlp = nn.Sequential(nn.Linear(bands + k, hidden), nn.LeakyReLU(0.2), nn.Linear(hidden, hidden),
                                 nn.LeakyReLU(0.2), nn.Linear(hidden, 1))
        nn.init.zeros_(self.mlp[-1].weight)
        nn.init.zeros_(self.mlp[-1].bias)

    def forward(self, thumb, curves):
        ly = log2_luma(thumb[:, :, ::2, ::2]).flatten(1)[:, :, None]  # a quarter of the pixels: the same histogram
        mass = torch.exp(-((ly - self.centres) ** 2) / (2 * 0.6 ** 2)).mean(1)
        mean_curve = torch.log2(curves.mean(dim=(2, 3)).clamp_min(1 / 512))  # [N,K]: where the base puts each knot
        return torch.exp(self.gamma_range * torch.tanh(self.mlp(torch.cat([mass, mean_curve / 9], dim=1))))


class DarkLift(nn.Module):
    """A global exponent on the base's tone curves from the photo's darkness alone:
    log gamma = -a * max(0, t - z), z = the thumbnail's mean log2(Y + 1/512), bounded to
    exp(-gamma_range). Two numbers, fitted on dev by calibrate.py, not learned on train: on the
    train frames the networks under it are about right in the darkest frames they were fitted
    to (median log2 luminance bias -0.25 at z <= -6), and a learned head there (ToneHead) learns
    to leave them be; on frames they never saw they are too dark (dev -0.72, test -1.11,
    held-out -1.13). a = 0 is the identity.
    """

    def __init__(self, gamma_range=0.7):
        super().__init__()
        self.gamma_range = gamma_range
        self.register_buffer("a", torch.tensor(0.0))
        self.register_buffer("t", torch.tensor(-4.0))

    def forward(self, thumb, curves=None):
        z = log2_luma(thumb).mean(dim=(1, 2))[:, None]  # [N,1]
        lift = (self.a * (self.t - z).clamp_min(0)).clamp(max=self.gamma_range)
        return torch.exp(-lift)


class GatedTone(nn.Module):
    """Two ToneHeads split by the photo's darkness: the exponent of a trained head (above,
    frozen) for frames brighter than the gate and of a new head (dark) for darker ones,
    blended in log gamma by sigmoid((below - z) / width), z = the thumbnail's mean
    log2(Y + 1/512). A head trained on frames pushed darker lifts unseen dark frames but also
    nudges bright ones (2.7.0's tone 5: middle frames -0.2 dB, MODEL_CARD.md); with the gate
    the dark head's training reaches only dark frames, and frames two stops above the gate keep
    98 % of the old head's log exponent. The dark head starts at the identity (zero-initialised)."""

    def __init__(self, above, dark, below=-4.0, width=0.5):
        super().__init__()
        self.above, self.dark, self.below, self.width = above, dark, below, width
        for p in above.parameters():
            p.requires_grad_(False)

    def forward(self, thumb, curves):
        z = log2_luma(thumb).mean(dim=(1, 2))[:, None]  # [N,1]
        w = torch.sigmoid((self.below - z) / self.width)
        return torch.exp((1 - w) * torch.log(self.above(thumb, curves)) + w * torch.log(self.dark(thumb, curves)))


class Toned(OnFrozenBase):
    """A ToneHead (or DarkLift) on its base (a plain network, a mean, or a balanced one): the
    base's tone curves raised to a global power; the colour step passes through."""

    def forward(self, thumb):
        curves, color = self.base(thumb)
        return raise_curves(curves, self.head(thumb, curves)), color


class FineTuned(nn.Module):
    """A whole model (a head on the mean of its networks, as its checkpoints load) trained on as
    one: every parameter, heads and networks, is trainable (or those whose names contain one of
    `trainable`, e.g. the colour outputs alone), and a checkpoint of this module holds all of them."""
    kind = "evenlight2"

    def __init__(self, net, trainable=None):
        super().__init__()
        self.net = net
        for name, p in net.named_parameters():
            p.requires_grad_(not trainable or any(t in name for t in trainable))
        self.register_buffer("xk", net.xk.clone())

    def forward(self, thumb):
        return self.net(thumb)


# the eight orientations training shows every crop in (train.crop_resize: rot90 k times, then a
# left-right flip), as (k, flip); a subset by count keeps the cheap ones first
DIHEDRAL = ((0, False), (0, True), (2, False), (2, True), (1, False), (1, True), (3, False), (3, True))


def turn(x, k):
    """torch.rot90(x, k, dims=(2, 3)) from flips and a transpose, which ONNX exports (rot90 it
    does not)."""
    k %= 4
    if k == 0:
        return x
    if k == 2:
        return torch.flip(x, dims=(2, 3))
    return torch.flip(x.transpose(2, 3), dims=(2,) if k == 1 else (3,))


class Dihedral(nn.Module):
    """A transform network averaged over orientations of its thumbnail: each orientation's
    predicted curve grid is turned back before the mean (a mean of monotone curves is
    monotone), the colour steps are averaged. Training showed every crop in all eight, so the
    network should answer alike; where it does not, the mean evens out its orientation noise.
    No parameters: the orientations run as one batch."""
    kind = "evenlight2"

    def __init__(self, net, n=8):
        super().__init__()
        self.net, self.orientations = net, DIHEDRAL[:n]
        self.register_buffer("xk", net.xk.clone())

    def forward(self, thumb):
        views = []
        for k, flip in self.orientations:
            v = turn(thumb, k)
            views.append(torch.flip(v, dims=(3,)) if flip else v)
        n = thumb.shape[0]
        curves, color = self.net(torch.cat(views, 0))
        back = []
        for i, (k, flip) in enumerate(self.orientations):
            c = curves[i * n:(i + 1) * n]
            c = torch.flip(c, dims=(3,)) if flip else c
            back.append(turn(c, -k))
        return torch.stack(back).mean(0), color.reshape(len(self.orientations), n, -1).mean(0)


class Exposures(nn.Module):
    """A transform network averaged over exposures of its thumbnail (score_dev.py --exposures;
    not shipped: MODEL_CARD.md, Training). View s is the thumbnail pushed s stops in linear light
    and clipped at white; its curve grid is read back on the original luminance (the view's
    curve where it holds each knot: the knot pushed s stops) before the mean, which stays
    monotone. Every frame of a bracket has one target, so a network that answered alike at
    every exposure would give every view the same curves. The colour step is the first view's.
    No parameters: the views run as one batch."""
    kind = "evenlight2"

    def __init__(self, net, stops=(0.0, -1.0)):
        super().__init__()
        self.net, self.stops = net, tuple(float(s) for s in stops)
        self.register_buffer("xk", net.xk.clone())
        xk = self.xk
        u = torch.stack([lin_to_srgb(srgb_to_lin(xk) * 2.0 ** s) for s in self.stops])  # [V, K]
        idx = torch.bucketize(u.contiguous(), xk[1:-1].contiguous(), right=True)
        self.register_buffer("idx", idx)
        self.register_buffer("t", (u - xk[idx]) / (xk[idx + 1] - xk[idx]))

    def forward(self, thumb):
        n = thumb.shape[0]
        lin = srgb_to_lin(thumb.clamp(min=0))
        curves, color = self.net(torch.cat([lin_to_srgb((lin * 2.0 ** s).clamp(max=1)) for s in self.stops], 0))
        back = []
        for v in range(len(self.stops)):
            c, i, t = curves[v * n:(v + 1) * n], self.idx[v], self.t[v][None, :, None, None]
            back.append(c[:, i] + (c[:, i + 1] - c[:, i]) * t)
        return torch.stack(back).mean(0), color[:n]

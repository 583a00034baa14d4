"""Evenlight exposure model and the seed baseline.

Evenlight = ContextNet (224x224 thumbnail of the whole photo -> global vector, run once per photo)
          + TileNet (tile + context -> per-pixel-smooth tone curves at 1/4 resolution, applied to the
            full-resolution input pixels). The output is the input pushed through monotone curves, so
            detail and edges come from the input, and the curves vary smoothly (bilinear upsampling of
            a coarse map), so tiles stitch without seams.
SeedVGG = the seed's architecture (VGG-16 style encoder, six skips, deconvolution decoder,
          leaky ReLU, sigmoid output) with channel widths divided by `width_div`.
"""
import torch
import torch.nn as nn
import torch.nn.functional as F


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


def build(cfg):
    if cfg["arch"] == "evenlight":
        return Evenlight(cfg.get("dim", 64), cfg.get("ch", 32), cfg.get("iters", 8), cfg.get("down", 4))
    if cfg["arch"] == "seed-vgg":
        return SeedVGG(cfg.get("width_div", 8))
    raise ValueError(f"unknown arch {cfg['arch']}")


def n_params(m):
    return sum(p.numel() for p in m.parameters())

"""Runs the PyTorch checkpoints on fixed seeded inputs and dumps inputs + outputs for the
ONNX Runtime parity test (test/models/parity.test.ts).

  /usr/bin/python3 models/training/parity_dump.py OUT_DIR

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
from export import MODELS, load  # noqa: E402


def image_like(g, n, h, w):
    """Smooth random scenes plus fine noise: exercises the curves like real photos do."""
    lo = torch.rand(n, 3, max(2, h // 16), max(2, w // 16), generator=g)
    x = F.interpolate(lo, size=(h, w), mode="bilinear", align_corners=False)
    return (x ** 2.2 + 0.05 * torch.rand(n, 3, h, w, generator=g)).clamp(0, 1)


def main():
    out = sys.argv[1]
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
        net, _ = load("evenlight")
        thumb = image_like(g, 1, 224, 224)
        ctx = net.context(thumb)
        dump("evenlight", "context", {"thumb": thumb}, {"context": ctx})
        tile = image_like(g, 2, 224, 224)
        c2 = ctx.repeat(2, 1)
        dump("evenlight", "tile", {"tile": tile, "context": c2}, {"output": net.tile(tile, c2)[0]})
        odd = image_like(g, 1, 150, 230)  # H, W not multiples of the 4x coarse grid
        dump("evenlight", "tile-odd", {"tile": odd, "context": ctx}, {"output": net.tile(odd, ctx)[0]})
        if os.path.isfile(os.path.join(MODELS, "checkpoints", "seed-vgg.pt")):
            snet, _ = load("seed-vgg")
            st = image_like(g, 2, 224, 224)
            dump("seed-vgg", "tile", {"tile": st}, {"output": snet(st)[0]})
    with open(os.path.join(out, "cases.json"), "w") as f:
        json.dump(cases, f, indent=1)


if __name__ == "__main__":
    main()

"""A weighted mean of the weights of whole models that share one starting point (a "model soup",
Wortsman et al. 2022; with the starting point itself in the mix, WiSE-FT): no training, and the
same graph, so inference costs nothing more. Fine-tuning on a few hundred real brackets moves
the weights a short way (about 7 % for whole 7); a point between where it started and where it
ended often generalises better than either end (models/MODEL_CARD.md, Training).

  /usr/bin/python3 models/training/soup.py evenlight2-soup1 evenlight2-real1:0.5 evenlight2-whole7:0.5

Writes models/checkpoints/<name>.pt as a whole-model ("evenlight2-finetune") checkpoint whose
config names the ingredients and their weights ("soup"); its base is the first fine-tuned
ingredient's, so it loads, scores and exports like any other checkpoint.
"""
import os
import sys

import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import model as models  # noqa: E402
from train import save_atomic  # noqa: E402

CK_DIR = os.path.join(HERE, "..", "checkpoints")


def whole_state(name):
    """Every weight of a checkpoint's model, keyed as a FineTuned module keys them."""
    net, ck = models.load_checkpoint(name)
    state = net.state_dict()
    if ck["config"]["arch"] == "evenlight2-finetune":
        return state, ck["config"]
    if "xk" not in state:  # the seed's image-to-image network: no transform to average
        raise ValueError(f"{name} is not a transform (evenlight2) model")
    return {"xk": state["xk"], **{f"net.{k}": v for k, v in state.items()}}, ck["config"]


def soup(ingredients):
    """ingredients: [(name, weight)]; weights are normalised to sum to 1."""
    total = sum(w for _, w in ingredients)
    if total <= 0:
        raise ValueError("soup weights must sum to more than 0")
    states = [(whole_state(n), w / total) for n, w in ingredients]
    keys = set(states[0][0][0])
    for (state, _), _w in states[1:]:
        if set(state) != keys:
            raise ValueError("soup ingredients must be the same model (the same weights' names)")
    tuned = [cfg for (_, cfg), _w in states if cfg["arch"] == "evenlight2-finetune"]
    if not tuned:
        raise ValueError("a soup needs at least one whole-model (evenlight2-finetune) checkpoint")
    out = {}
    for k in keys:
        first = states[0][0][0][k]
        if not first.dtype.is_floating_point:
            out[k] = first.clone()
            continue
        out[k] = sum(state[k].double() * w for (state, _), w in states).to(first.dtype)
    return out, tuned[0]


def main(argv):
    if len(argv) < 3:
        sys.exit(__doc__)
    name, ingredients = argv[1], []
    for arg in argv[2:]:
        n, _, w = arg.partition(":")
        ingredients.append((n, float(w or 1)))
    state, base_cfg = soup(ingredients)
    cfg = {**base_cfg, "name": name, "soup": [[n, w] for n, w in ingredients]}
    save_atomic({"config": cfg, "state_dict": state, "step": 0}, os.path.join(CK_DIR, f"{name}.pt"))
    net, _ = models.load_checkpoint(name)  # refuses keys that do not match the config
    print(f"{name}: {sum(p.numel() for p in net.parameters())} params from {ingredients}")


if __name__ == "__main__":
    main(sys.argv)

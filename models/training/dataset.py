"""Builds the Evenlight training pairs from the shared data folder (scene.json layout).

Sources and targets (see models/MODEL_CARD.md):
- real brackets (brackets/, brackets_sice/): every frame -> OpenCV Mertens fusion of the whole bracket
- HDR radiance maps (hdr/*.exr): synthetic brackets through random camera responses, clipping,
  noise and JPEG -> Mertens fusion of that synthetic bracket
- well-exposed photos (photos/): synthetic -3..+3 EV shifts, response changes, clipping, noise
  and JPEG -> the original photo

Run `python3 models/training/dataset.py --data /work/shared/data` to (re)build split.json and the
cache; training calls `build_cache` itself, so this is only needed to prepare ahead of time.
"""
import argparse
import hashlib
import json
import os
import random
import sys

os.environ.setdefault("OPENCV_IO_ENABLE_OPENEXR", "1")
import cv2  # noqa: E402
import numpy as np  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
CACHE_DIR = os.path.join(HERE, "cache")
SPLIT_PATH = os.path.join(HERE, "split.json")
CACHE_VERSION = 1
LONG_SIDE = 512  # pairs are stored downscaled: training crops are 224 and the CPU budget is small
THUMB = 224
PHOTO_VARIANTS = 4
HDR_VARIANTS = 3
# flags that make a Mertens target meaningless for training (ghosting / nothing to fuse)
SKIP_TRAIN_FLAGS = {"not_aligned", "single_exposure", "moving_objects"}


def scene_dirs(data_dir):
    """All scene folders as (scene_id, abs_dir, scene_json), scene_id = 'category/name'."""
    out = []
    for cat in sorted(os.listdir(data_dir)):
        cdir = os.path.join(data_dir, cat)
        if not os.path.isdir(cdir) or cat == "licenses":
            continue
        for name in sorted(os.listdir(cdir)):
            p = os.path.join(cdir, name, "scene.json")
            if os.path.isfile(p):
                with open(p) as f:
                    out.append((f"{cat}/{name}", os.path.join(cdir, name), json.load(f)))
    return out


def make_split(data_dir, seed=1234):
    """Scene-level split. Photo collections are split per photo (each photo is its own scene)."""
    rng = random.Random(seed)
    groups = {}
    for sid, sdir, sj in scene_dirs(data_dir):
        cat = sid.split("/")[0]
        if sj["kind"] == "photo_collection":
            for e in sj["exposures"]:
                groups.setdefault("photos", []).append(f"{sid}/{e['file']}")
        elif sj["kind"] in ("bracket", "radiance_map"):
            groups.setdefault(cat, []).append(sid)
    scenes = {}
    for cat in sorted(groups):
        ids = sorted(groups[cat])
        rng.shuffle(ids)
        n = len(ids)
        n_test = max(1, round(0.15 * n)) if cat != "brackets" else 4
        n_dev = max(1, round(0.15 * n)) if cat != "brackets" else 3
        for i, s in enumerate(ids):
            scenes[s] = "test" if i < n_test else "dev" if i < n_test + n_dev else "train"
    split = {"seed": seed, "note": "scene-level split; photo collections split per photo",
             "train": sorted(k for k, v in scenes.items() if v == "train"),
             "dev": sorted(k for k, v in scenes.items() if v == "dev"),
             "test": sorted(k for k, v in scenes.items() if v == "test")}
    return split


def load_split(data_dir):
    if os.path.isfile(SPLIT_PATH):
        with open(SPLIT_PATH) as f:
            return json.load(f)
    split = make_split(data_dir)
    tmp = SPLIT_PATH + ".tmp"
    with open(tmp, "w") as f:
        json.dump(split, f, indent=1)
    os.replace(tmp, SPLIT_PATH)
    return split


def split_of(split):
    return {s: k for k in ("train", "dev", "test") for s in split[k]}


def resize_long(img, long_side=LONG_SIDE):
    h, w = img.shape[:2]
    s = long_side / max(h, w)
    if s >= 1:
        return img
    return cv2.resize(img, (max(1, round(w * s)), max(1, round(h * s))), interpolation=cv2.INTER_AREA)


def read_rgb8(path):
    im = cv2.imread(path, cv2.IMREAD_COLOR)
    if im is None:
        raise RuntimeError(f"{path}: cannot decode image")
    return cv2.cvtColor(im, cv2.COLOR_BGR2RGB)


def mertens(frames_rgb8):
    """Target generator: OpenCV Mertens with default parameters (the TS `fuse` is tested against it)."""
    bgr = [cv2.cvtColor(f, cv2.COLOR_RGB2BGR) for f in frames_rgb8]
    fused = cv2.createMergeMertens().process(bgr)
    return to_u8(cv2.cvtColor(fused, cv2.COLOR_BGR2RGB))


def to_u8(x):
    return np.clip(np.round(np.clip(x, 0, 1) * 255), 0, 255).astype(np.uint8)


def thumb(img_u8):
    return cv2.resize(img_u8, (THUMB, THUMB), interpolation=cv2.INTER_AREA)


def srgb_to_lin(x):
    return np.where(x <= 0.04045, x / 12.92, ((x + 0.055) / 1.055) ** 2.4)


def random_response(rng):
    """A random camera response (linear -> display) : gamma, sRGB-like or filmic S-curve."""
    kind = rng.choice(["gamma", "srgb", "filmic"])
    g = rng.uniform(1.8, 2.6)
    if kind == "gamma":
        return lambda x: np.clip(x, 0, 1) ** (1 / g)
    if kind == "srgb":
        return lambda x: np.where(x <= 0.0031308, 12.92 * x, 1.055 * np.clip(x, 0.0031308, 1) ** (1 / 2.4) - 0.055)
    c = rng.uniform(0.5, 1.5)
    def filmic(x):
        y = np.clip(x, 0, None) ** (1 / g)
        y = y * (1 + c) / (y + c)  # soft shoulder
        return np.clip(y, 0, 1)
    return filmic


def degrade(lin, ev, resp, rng, nprng):
    """Exposure shift in linear light, sensor-like noise, response curve, clipping, JPEG."""
    x = lin * (2.0 ** ev)
    sigma_read = rng.uniform(0.0005, 0.004)
    gain = rng.uniform(0.0002, 0.002)
    x = x + nprng.normal(0, 1, x.shape).astype(np.float32) * np.sqrt(sigma_read ** 2 + gain * np.clip(x, 0, 1))
    y = to_u8(resp(np.clip(x, 0, 1)))
    q = rng.randint(60, 95)
    ok, enc = cv2.imencode(".jpg", cv2.cvtColor(y, cv2.COLOR_RGB2BGR), [cv2.IMWRITE_JPEG_QUALITY, q])
    return cv2.cvtColor(cv2.imdecode(enc, cv2.IMREAD_COLOR), cv2.COLOR_BGR2RGB)


def seeded(key):
    s = int(hashlib.sha1(key.encode()).hexdigest()[:8], 16)
    return random.Random(s), np.random.default_rng(s)


def build_bracket(sdir, sj):
    frames = [resize_long(read_rgb8(os.path.join(sdir, e["file"]))) for e in sj["exposures"]]
    h, w = frames[0].shape[:2]
    frames = [f if f.shape[:2] == (h, w) else cv2.resize(f, (w, h), interpolation=cv2.INTER_AREA) for f in frames]
    return [(np.stack(frames), mertens(frames))]


def build_hdr(sid, sdir, sj):
    # radiance maps list the .exr under references (they have no exposures)
    exr = [e["file"] for e in (sj.get("references") or []) + sj["exposures"] if e["file"].lower().endswith(".exr")]
    path = os.path.join(sdir, exr[0])
    im = cv2.imread(path, cv2.IMREAD_UNCHANGED)
    if im is None:
        raise RuntimeError(f"{path}: OpenCV cannot read this EXR (OPENCV_IO_ENABLE_OPENEXR)")
    im = np.nan_to_num(im[..., :3][..., ::-1].astype(np.float32), nan=0, posinf=0, neginf=0).clip(0, None)
    im = resize_long(im)
    lum = im @ np.array([0.2126, 0.7152, 0.0722], np.float32)
    key = np.exp(np.mean(np.log(lum + 1e-4)))
    out = []
    for v in range(HDR_VARIANTS):
        rng, nprng = seeded(f"{sid}#{v}")
        resp = random_response(rng)
        base = 0.18 / key * 2.0 ** rng.uniform(-0.5, 0.5)
        evs = np.arange(-3, 3.01, rng.choice([1.0, 1.5, 2.0]))
        frames = [degrade(im * base, float(ev), resp, rng, nprng) for ev in evs]
        out.append((np.stack(frames), mertens(frames)))
    return out


def build_photo(pid, path):
    orig = resize_long(read_rgb8(path))
    lin = srgb_to_lin(orig.astype(np.float32) / 255)
    rng, nprng = seeded(pid)
    frames = []
    for _ in range(PHOTO_VARIANTS):
        ev = rng.choice([-1, 1]) * rng.uniform(0.7, 3.0)
        frames.append(degrade(lin, ev, random_response(rng), rng, nprng))
    return [(np.stack(frames), orig)]


def cache_path(key):
    return os.path.join(CACHE_DIR, f"v{CACHE_VERSION}_" + key.replace("/", "__") + ".npz")


def build_cache(data_dir, log=print):
    """Returns a list of {scene, split, source, path}; builds missing npz files (idempotent)."""
    os.makedirs(CACHE_DIR, exist_ok=True)
    split = load_split(data_dir)
    where = split_of(split)
    items = []
    for sid, sdir, sj in scene_dirs(data_dir):
        cat = sid.split("/")[0]
        jobs = []
        if sj["kind"] == "bracket":
            if SKIP_TRAIN_FLAGS & set(sj.get("flags") or []) or len(sj["exposures"]) < 2:
                continue
            jobs.append((sid, cat, lambda sdir=sdir, sj=sj: build_bracket(sdir, sj)))
        elif sj["kind"] == "radiance_map":
            jobs.append((sid, "hdr", lambda sid=sid, sdir=sdir, sj=sj: build_hdr(sid, sdir, sj)))
        elif sj["kind"] == "photo_collection":
            for e in sj["exposures"]:
                pid = f"{sid}/{e['file']}"
                jobs.append((pid, "photos", lambda pid=pid, p=os.path.join(sdir, e["file"]): build_photo(pid, p)))
        for key, source, fn in jobs:
            if key not in where:
                continue
            p = cache_path(key)
            if not os.path.isfile(p):
                try:
                    pairs = fn()
                except Exception as err:  # one bad file must not stop the build
                    log(f"skip {key}: {err}")
                    continue
                ins = np.concatenate([a for a, _ in pairs])
                tgt = np.stack([t for a, t in pairs for _ in range(len(a))])
                thumbs = np.stack([thumb(x) for x in ins])
                tmp = p + ".tmp.npz"
                np.savez(tmp, inputs=ins, targets=tgt, thumbs=thumbs)
                os.replace(tmp, p)
            items.append({"scene": key, "split": where[key], "source": source, "path": p})
    return items


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", default=os.environ.get("EVENLIGHT_DATA", os.path.join(HERE, "..", "..", "..", "shared", "data")))
    a = ap.parse_args()
    items = build_cache(a.data)
    from collections import Counter
    print(Counter((i["source"], i["split"]) for i in items))
    sys.exit(0)

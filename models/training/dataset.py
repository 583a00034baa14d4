"""Builds the Evenlight training pairs from the shared data folder (scene.json layout).

Every pair is (one frame, the target), stored at a long side of LONG_SIDE px: the v2 network
sees a 224x224 thumbnail and the applier works per pixel, so nothing is gained by more.

Sources and targets (models/MODEL_CARD.md):
- real brackets (brackets/, brackets_sice/): every frame -> Mertens fusion of the whole bracket
  with the paper's weights (contrast 1, saturation 1, well-exposedness 1), as `evenlight eval`
  scores it
- radiance maps (hdr/*.exr, hdr/*.hdr): synthetic brackets from -6 to +6 EV (2 to 9 frames, so
  2-frame pairs too) through a sensor model: per-channel white balance, Poisson-Gaussian noise,
  black-level error, clipping, then one of several camera responses and JPEG -> their Mertens fusion
- well-exposed photos (photos/): the same sensor model at -6..+6 EV -> the original photo

The split is by scene (split.json). v1's assignments are kept; scenes added since go to
train/dev/test by a seeded draw, except HELDOUT: real brackets with long ranges and near-black
middle frames that no model is trained or tuned on, to measure generalisation.

  /usr/bin/python3 models/training/dataset.py [--data DIR]     (training calls build_cache itself)
"""
import argparse
import hashlib
import json
import os
import random
import sys
from concurrent.futures import ProcessPoolExecutor

os.environ.setdefault("OPENCV_IO_ENABLE_OPENEXR", "1")
import cv2  # noqa: E402
import numpy as np  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
CACHE_DIR = os.environ.get("EVENLIGHT_CACHE", os.path.join(HERE, "cache"))  # another folder for another data copy
SPLIT_PATH = os.path.join(HERE, "split.json")
CACHE_VERSION = 2
LONG_SIDE = 384
PHOTO_VARIANTS = 5
HDR_VARIANTS = 6
MERTENS_WEIGHTS = (1.0, 1.0, 1.0)  # the paper's; electron/engine/hdr/mertens.ts MERTENS_DEFAULTS
# flags that make a Mertens target meaningless for training (ghosting / nothing to fuse)
SKIP_TRAIN_FLAGS = {"not_aligned", "single_exposure", "moving_objects"}
# Held out from training and model selection: long indoor/night brackets whose middle frame
# is nearly black, and wide pairs. Chosen by their scene.json statistics, before any v2 result.
HELDOUT = [
    "brackets/manuxxxxx_madison_capitol",    # 30 frames, night
    "brackets/manuxxxxx_candle",             # 10 frames, candle-lit
    "brackets/hangxiaotian_preschool",       # 9 frames, 8.1 EV, indoor
    "brackets/hangxiaotian_seven_eleven_night",  # 9 frames, 7.9 EV, night
    "brackets/makedede_corridor",            # 4 frames, all dark
    "brackets/manuxxxxx_belgium_house",      # 9 frames, indoor/window
    "brackets/hangxiaotian_df_seq_72",       # 3 frames, first nearly black
    "brackets/hangxiaotian_trey_ratcliff",   # 3 frames, 4.1 EV
    "brackets/manuxxxxx_office",             # 6 frames
    "brackets/hangxiaotian_igloo",           # 6 frames, bright
]


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


def scene_keys(data_dir):
    """(key, category) of every splittable unit: photo collections split per photo."""
    keys = []
    for sid, sdir, sj in scene_dirs(data_dir):
        if sj["kind"] == "photo_collection":
            keys += [(f"{sid}/{e['file']}", "photos") for e in sj["exposures"]]
        elif sj["kind"] in ("bracket", "radiance_map"):
            keys.append((sid, sid.split("/")[0]))
    return keys


def make_split(data_dir, old=None, seed=1234):
    """Scene-level split; keeps `old` assignments, draws the rest (15 % test, 10 % dev)."""
    rng = random.Random(seed)
    where = {}
    if old:
        for k in ("train", "dev", "test", "heldout"):
            for s in old.get(k, []):
                where[s] = k
    for s in HELDOUT:
        where[s] = "heldout"
    new = [k for k, _ in scene_keys(data_dir) if k not in where]
    new.sort()
    rng.shuffle(new)
    for i, s in enumerate(new):
        where[s] = "test" if i % 20 < 3 else "dev" if i % 20 < 5 else "train"
    split = {"seed": seed, "version": 2,
             "note": "scene-level split; photo collections split per photo; heldout = real long-range brackets "
                     "kept out of training and model selection",
             **{k: sorted(s for s, v in where.items() if v == k) for k in ("train", "dev", "test", "heldout")}}
    return split


def load_split(data_dir):
    old = None
    if os.path.isfile(SPLIT_PATH):
        with open(SPLIT_PATH) as f:
            old = json.load(f)
        if old.get("version") == 2:
            known = {s for k in ("train", "dev", "test", "heldout") for s in old[k]}
            if all(k in known for k, _ in scene_keys(data_dir)):
                return old
    split = make_split(data_dir, old)
    tmp = SPLIT_PATH + ".tmp"
    with open(tmp, "w") as f:
        json.dump(split, f, indent=1)
    os.replace(tmp, SPLIT_PATH)
    return split


def split_of(split):
    return {s: k for k in ("train", "dev", "test", "heldout") for s in split.get(k, [])}


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


def mertens(frames_rgb8, weights=MERTENS_WEIGHTS):
    """Target generator: OpenCV Mertens (the TS `fuse` is tested against it), paper weights."""
    bgr = [cv2.cvtColor(f, cv2.COLOR_RGB2BGR) for f in frames_rgb8]
    fused = cv2.createMergeMertens(*weights).process(bgr)
    return to_u8(cv2.cvtColor(fused, cv2.COLOR_BGR2RGB))


def to_u8(x):
    return np.clip(np.round(np.clip(x, 0, 1) * 255), 0, 255).astype(np.uint8)


def srgb_to_lin(x):
    return np.where(x <= 0.04045, x / 12.92, ((x + 0.055) / 1.055) ** 2.4)


def lin_to_srgb(x):
    x = np.clip(x, 0, 1)
    return np.where(x <= 0.0031308, 12.92 * x, 1.055 * np.maximum(x, 0.0031308) ** (1 / 2.4) - 0.055)


def camera_responses(data_dir, splits):
    """(split, scene, ratio) per real bracket of the splits with exposure times (one ISO and
    aperture): Debevec's response over sRGB's transfer, the two set equal at code 128 (OpenCV's
    calibration, 200 samples, lambda 10, long side 800, mean of R, G and B), at the 256 codes."""
    split = load_split(data_dir)
    srgb = srgb_to_lin(np.arange(256, dtype=np.float64) / 255)
    for sp in splits:
        for sid in (s for s in split[sp] if s.startswith("brackets/")):
            with open(os.path.join(data_dir, sid, "scene.json")) as f:
                sj = json.load(f)
            times = [e["exposure_time_s"] for e in sj["exposures"]]
            if len(times) < 2 or None in times or "mixed_iso_or_aperture" in (sj.get("flags") or []):
                continue
            frames = [resize_long(cv2.imread(os.path.join(data_dir, sid, e["file"]), cv2.IMREAD_COLOR), 800) for e in sj["exposures"]]
            r = cv2.createCalibrateDebevec(samples=200, lambda_=10.0).process(frames, np.array(times, np.float32))[:, 0, :].mean(axis=1)
            yield sp, sid, (r / r[128] * srgb[128]) / np.maximum(srgb, 1e-9)


def camera_toe(data_dir, splits=("train",)):
    """How much more light a real camera's JPEG code stands for than sRGB says, below code 128:
    the geometric mean of camera_responses over the splits' brackets (oracle_check.py response
    prints them). 256 ratios, 1 from code 128 up; cached beside the pairs, under a name that
    changes with the splits' scenes. Cameras crush their shadows: a code of 10-21 holds 3-4
    times the light sRGB's transfer says."""
    split = load_split(data_dir)
    key = hashlib.sha1("\n".join(s for sp in splits for s in split[sp]).encode()).hexdigest()[:12]
    path = os.path.join(CACHE_DIR, f"camera_toe_{'_'.join(splits)}_{key}.json")
    if os.path.isfile(path):
        with open(path) as f:
            return np.array(json.load(f), np.float64)
    ratio = np.exp(np.mean([np.log(r) for _, _, r in camera_responses(data_dir, splits)], axis=0))
    ratio[128:] = 1.0
    ratio[0] = ratio[1]
    os.makedirs(CACHE_DIR, exist_ok=True)
    with open(path + ".tmp", "w") as f:
        json.dump([float(v) for v in ratio], f)
    os.replace(path + ".tmp", path)
    return ratio


def camera_to_lin(x, toe):
    """Encoded 0..1 -> light, through sRGB with the cameras' toe (camera_toe) below code 128."""
    return srgb_to_lin(x) * np.interp(np.clip(x, 0, 1) * 255, np.arange(256), toe)


def lin_to_camera(lin, toe):
    """camera_to_lin's inverse (on a monotone table of 4096 codes: within half a code), clipped to 0..1."""
    codes = np.linspace(0, 1, 4096)
    table = np.maximum.accumulate(camera_to_lin(codes, toe))
    return np.interp(np.clip(lin, 0, None), table, codes).astype(np.float32)


def random_response(rng):
    """A camera response (linear -> display): gamma, sRGB, filmic shoulder, or sRGB + S contrast."""
    kind = rng.choice(["gamma", "srgb", "filmic", "contrast"])
    g = rng.uniform(1.8, 2.6)
    srgb = lin_to_srgb

    if kind == "gamma":
        return lambda x: np.clip(x, 0, 1) ** (1 / g)
    if kind == "srgb":
        return srgb
    if kind == "filmic":
        c = rng.uniform(0.5, 1.5)
        return lambda x: np.clip((lambda y: y * (1 + c) / (y + c))(np.clip(x, 0, None) ** (1 / g)), 0, 1)
    k = rng.uniform(0.1, 0.35)
    return lambda x: (lambda y: np.clip(y + k * y * (1 - y) * (2 * y - 1) * 2, 0, 1))(srgb(x))


class Sensor:
    """One camera for a whole synthetic bracket: white balance, noise, black level, response, JPEG."""

    def __init__(self, rng):
        self.wb = np.array([rng.uniform(1.6, 2.4), 1.0, rng.uniform(1.3, 2.0)], np.float32)
        self.full_well = rng.uniform(300, 4000)  # photo-electrons at saturation: Poisson strength
        self.read = rng.uniform(0.0003, 0.003)  # Gaussian read noise, fraction of full scale
        # black level subtracted slightly off, per channel: the casts of real dark frames
        self.black_err = np.array([rng.gauss(0, 0.0006), rng.gauss(0, 0.0006) + rng.uniform(0, 0.0008),
                                   rng.gauss(0, 0.0006)], np.float32)
        self.resp = random_response(rng)
        self.quality = rng.randint(70, 96)

    def shoot(self, lin, nprng):
        """lin: scene-referred linear RGB (white-balanced) -> 8-bit sRGB-ish frame."""
        raw = lin / self.wb  # what the sensor records before white balance
        raw = np.clip(raw, 0, 1.2)
        shot = nprng.poisson(np.clip(raw, 0, None) * self.full_well).astype(np.float32) / self.full_well
        raw = shot + nprng.normal(0, self.read, raw.shape).astype(np.float32)
        # demosaicing interpolates R and B from a quarter of the sites each, G from half:
        # a little low-pass chroma noise on R/B, and green carries the finer grain
        for c in (0, 2):
            raw[..., c] = cv2.GaussianBlur(raw[..., c], (3, 3), 0.7)
        raw = np.clip(raw - self.black_err, 0, 1)  # sensor clips, black level subtracted
        out = np.clip(raw * self.wb, 0, 1)  # white balance; highlights clip to white
        y = to_u8(self.resp(out))
        ok, enc = cv2.imencode(".jpg", cv2.cvtColor(y, cv2.COLOR_RGB2BGR), [cv2.IMWRITE_JPEG_QUALITY, self.quality])
        return cv2.cvtColor(cv2.imdecode(enc, cv2.IMREAD_COLOR), cv2.COLOR_BGR2RGB)


def seeded(key):
    s = int(hashlib.sha1(key.encode()).hexdigest()[:8], 16)
    return random.Random(s), np.random.default_rng(s)


def build_bracket(sdir, sj):
    frames = [resize_long(read_rgb8(os.path.join(sdir, e["file"]))) for e in sj["exposures"]]
    h, w = frames[0].shape[:2]
    frames = [f if f.shape[:2] == (h, w) else cv2.resize(f, (w, h), interpolation=cv2.INTER_AREA) for f in frames]
    return [(np.stack(frames), mertens(frames))]


def read_radiance(path):
    im = cv2.imread(path, cv2.IMREAD_UNCHANGED)
    if im is None:
        raise RuntimeError(f"{path}: OpenCV cannot read this radiance map")
    return np.nan_to_num(im[..., :3][..., ::-1].astype(np.float32), nan=0, posinf=0, neginf=0).clip(0, None)


def radiance_views(sid, im, rng):
    """EXR: the whole map. Equirectangular .hdr panoramas: crops around the horizon."""
    h, w = im.shape[:2]
    if w != 2 * h:
        return [resize_long(im)]
    views = []
    for _ in range(3):
        cw = rng.randint(w // 3, w // 2)
        ch = int(cw * rng.uniform(0.6, 0.8))
        y0 = max(0, h // 2 - ch // 2 + rng.randint(-h // 10, h // 10))
        x0 = rng.randint(0, w - cw)
        views.append(resize_long(im[y0:y0 + ch, x0:x0 + cw]))
    return views


def build_hdr(sid, sdir, sj):
    files = [e["file"] for e in (sj.get("references") or []) + sj["exposures"]
             if e["file"].lower().endswith((".exr", ".hdr"))]
    rng0, _ = seeded(sid)
    out = []
    for vi, im in enumerate(radiance_views(sid, read_radiance(os.path.join(sdir, files[0])), rng0)):
        lum = im @ np.array([0.2126, 0.7152, 0.0722], np.float32)
        key = np.exp(np.mean(np.log(lum + 1e-4)))
        for v in range(HDR_VARIANTS):
            rng, nprng = seeded(f"{sid}#{vi}#{v}")
            cam = Sensor(rng)
            base = 0.18 / key * 2.0 ** rng.uniform(-1, 1)
            n = rng.choice([2, 2, 3, 3, 5, 7, 9])
            lo = rng.uniform(-6, -1)
            hi = min(6, lo + rng.uniform(2, 12)) if n > 2 else min(6, lo + rng.uniform(3, 7))
            evs = np.linspace(lo, hi, n)
            frames = [cam.shoot(im * base * 2.0 ** float(ev), nprng) for ev in evs]
            out.append((np.stack(frames), mertens(frames)))
    return out


def build_photo(pid, path):
    orig = resize_long(read_rgb8(path))
    lin = srgb_to_lin(orig.astype(np.float32) / 255)
    rng, nprng = seeded(pid)
    frames = []
    for _ in range(PHOTO_VARIANTS):
        ev = rng.choice([-1, -1, 1]) * rng.uniform(0.5, 6.0)
        frames.append(Sensor(rng).shoot(lin * 2.0 ** ev, nprng))
    return [(np.stack(frames), orig)]


def cache_path(key):
    return os.path.join(CACHE_DIR, f"v{CACHE_VERSION}_" + key.replace("/", "__") + ".npz")


def _build_one(job):
    key, fn_name, args, p = job
    try:
        pairs = globals()[fn_name](*args)
    except Exception as err:  # one bad file must not stop the build
        return key, f"{err}"
    # each pair list entry: (frames [F,H,W,3], target [H,W,3]); frames of different groups
    # may differ in size, so groups are stored separately
    arrs = {}
    for gi, (ins, tgt) in enumerate(pairs):
        arrs[f"in{gi}"] = ins
        arrs[f"tg{gi}"] = tgt
    tmp = p + ".tmp.npz"
    np.savez(tmp, **arrs)
    os.replace(tmp, p)
    return key, None


def build_cache(data_dir, log=print, workers=2):
    """Returns a list of {scene, split, source, path}; builds missing npz files (idempotent)."""
    os.makedirs(CACHE_DIR, exist_ok=True)
    split = load_split(data_dir)
    where = split_of(split)
    items, jobs = [], []
    for sid, sdir, sj in scene_dirs(data_dir):
        cat = sid.split("/")[0]
        todo = []
        if sj["kind"] == "bracket":
            if SKIP_TRAIN_FLAGS & set(sj.get("flags") or []) or len(sj["exposures"]) < 2:
                continue
            todo.append((sid, cat, "build_bracket", (sdir, sj)))
        elif sj["kind"] == "radiance_map":
            todo.append((sid, "hdr", "build_hdr", (sid, sdir, sj)))
        elif sj["kind"] == "photo_collection":
            for e in sj["exposures"]:
                pid = f"{sid}/{e['file']}"
                todo.append((pid, "photos", "build_photo", (pid, os.path.join(sdir, e["file"]))))
        for key, source, fn, args in todo:
            if key not in where:
                continue
            p = cache_path(key)
            if not os.path.isfile(p):
                jobs.append((key, fn, args, p))
            items.append({"scene": key, "split": where[key], "source": source, "path": p})
    if jobs:
        log(f"building {len(jobs)} cache entries")
        with ProcessPoolExecutor(workers) as ex:
            for i, (key, err) in enumerate(ex.map(_build_one, jobs, chunksize=4)):
                if err:
                    log(f"skip {key}: {err}")
                if (i + 1) % 100 == 0:
                    log(f"  {i + 1}/{len(jobs)}")
    return [it for it in items if os.path.isfile(it["path"])]


def load_pairs(path):
    """[(frames uint8 [F,H,W,3], target uint8 [H,W,3]), ...] of one cache entry."""
    z = np.load(path)
    n = len([k for k in z.files if k.startswith("in")])
    return [(z[f"in{i}"], z[f"tg{i}"]) for i in range(n)]


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", default=os.environ.get("EVENLIGHT_DATA", os.path.join(HERE, "..", "..", "..", "shared", "data")))
    ap.add_argument("--workers", type=int, default=2)
    a = ap.parse_args()
    items = build_cache(a.data, workers=a.workers)
    from collections import Counter
    print(Counter((i["source"], i["split"]) for i in items))
    sys.exit(0)

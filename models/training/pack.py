"""Packs the train and dev scenes of the data folder, reduced to what dataset.py reads, for a
training run on a machine that cannot see the data (the lent GPU takes at most 64 MiB a call).

dataset.py works at a long side of LONG_SIDE px, so every frame is stored at that size:
- brackets/: each frame area-resized to LONG_SIDE and re-encoded as JPEG q95 (4:4:4); the
  Mertens target is computed there from the packed frames, as here from the originals
- brackets_sice/: copied as they are (already 384 px JPEGs)
- photos/: each train/dev photo area-resized to LONG_SIDE, JPEG q95 (the synthetic brackets are
  drawn there from it)
- hdr/: the radiance map, resized to LONG_SIDE unless it is an equirectangular panorama (kept
  whole: dataset.py crops it first), written as Radiance .hdr (RGBE)
Test and held-out scenes are never packed. Parts: "sice" and "rest", each under the limit.

  /usr/bin/python3 models/training/pack.py [--data DIR] [--out models/training/pack]
"""
import argparse
import json
import os
import shutil
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import dataset  # noqa: E402  (sets OPENCV_IO_ENABLE_OPENEXR before cv2 loads)
import cv2  # noqa: E402
from PIL import Image  # noqa: E402

SPLITS = ("train", "dev")


def write_jpeg(path, rgb):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    # Pillow: Debian's OpenCV cannot write 4:4:4 JPEGs, and halved chroma would blur the
    # colour of the dark frames the model must learn to balance
    Image.fromarray(rgb).save(path, format="JPEG", quality=95, subsampling=0)


def write_scene(dst, sj):
    os.makedirs(dst, exist_ok=True)
    with open(os.path.join(dst, "scene.json"), "w") as f:
        json.dump(sj, f)


def pack_bracket(sdir, sj, dst):
    os.makedirs(dst, exist_ok=True)
    exps = []
    for i, e in enumerate(sj["exposures"]):
        name = f"{i:02d}.jpg"
        write_jpeg(os.path.join(dst, name), dataset.resize_long(dataset.read_rgb8(os.path.join(sdir, e["file"]))))
        exps.append({**e, "file": name})
    write_scene(dst, {**sj, "exposures": exps, "references": [], "extras": []})


def pack_hdr(sdir, sj, dst):
    files = [e["file"] for e in (sj.get("references") or []) + sj["exposures"] if e["file"].lower().endswith((".exr", ".hdr"))]
    im = dataset.read_radiance(os.path.join(sdir, files[0]))
    h, w = im.shape[:2]
    if w != 2 * h:
        im = dataset.resize_long(im)
    os.makedirs(dst, exist_ok=True)
    if not cv2.imwrite(os.path.join(dst, "radiance.hdr"), cv2.cvtColor(im, cv2.COLOR_RGB2BGR)):
        raise RuntimeError(f"{sdir}: cannot write radiance.hdr")
    write_scene(dst, {**sj, "exposures": [{"file": "radiance.hdr"}], "references": []})


def main(argv=None):
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", default=os.environ.get("EVENLIGHT_DATA", os.path.join(HERE, "..", "..", "..", "shared", "data")))
    ap.add_argument("--out", default=os.path.join(HERE, "pack"))
    a = ap.parse_args(argv)
    where = dataset.split_of(dataset.load_split(a.data))
    if os.path.isdir(a.out):
        # only an earlier pack is replaced: --out pointed at anything else is left alone
        other = set(os.listdir(a.out)) - {"sice", "rest"}
        if other:
            raise SystemExit(f"{a.out}: not a pack folder (holds {sorted(other)[:3]}); nothing was changed")
        shutil.rmtree(a.out)
    for sid, sdir, sj in dataset.scene_dirs(a.data):
        cat = sid.split("/")[0]
        dst = os.path.join(a.out, "sice" if cat == "brackets_sice" else "rest", sid)
        if sj["kind"] == "photo_collection":
            keep = [e for e in sj["exposures"] if where.get(f"{sid}/{e['file']}") in SPLITS]
            os.makedirs(dst, exist_ok=True)
            for e in keep:
                # the file keeps its name: it is part of the photo's split key
                write_jpeg(os.path.join(dst, e["file"]), dataset.resize_long(dataset.read_rgb8(os.path.join(sdir, e["file"]))))
            write_scene(dst, {**sj, "exposures": keep})
        elif where.get(sid) not in SPLITS:
            continue
        elif cat == "brackets_sice":
            os.makedirs(dst, exist_ok=True)
            for f in os.listdir(sdir):  # copyfile: the data folder is read-only, the pack must not be
                shutil.copyfile(os.path.join(sdir, f), os.path.join(dst, f))
        elif sj["kind"] == "bracket":
            pack_bracket(sdir, sj, dst)
        elif sj["kind"] == "radiance_map":
            pack_hdr(sdir, sj, dst)
    for part in ("sice", "rest"):
        size = sum(os.path.getsize(os.path.join(d, f)) for d, _, fs in os.walk(os.path.join(a.out, part)) for f in fs)
        print(f"{part}: {size / 2 ** 20:.1f} MiB")


if __name__ == "__main__":
    main()

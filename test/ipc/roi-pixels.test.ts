// ROIs sent through IPC, checked in pixels. A rectangle, an ellipse and a brush stroke go
// through the router (contract validation, engine/normalize/roi.ts, the engine worker) with the editor's
// normalize and with a full-size exportPhoto. Inside each region the photo changes; farther
// than the feather from every region it is bit-identical to the photo before.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { createRouter } from '../../electron/ipc/router';
import type { Host } from '../../electron/ipc/context';
import { decodeTileFrame } from '../../electron/common/tile-frame';
import { stopEngineHost } from '../../electron/jobs/engine-host';
import type { Roi } from '../../electron/common/contract';
import { writeImage } from '../../electron/engine/image/io';
import { tmpDir } from '../helpers/paths';

const W = 600;
const H = 400;
const SHORT = Math.min(W, H);

const ROIS: Roi[] = [
  { kind: 'rect', x: 0.08, y: 0.1, w: 0.3, h: 0.4, feather: 0.05 },
  { kind: 'ellipse', x: 0.6, y: 0.08, w: 0.3, h: 0.5, feather: 0.03 },
  {
    kind: 'brush',
    points: [
      [0.15, 0.85],
      [0.45, 0.8],
    ],
    radius: 0.05,
    feather: 0.02,
  },
];

/**
 * Signed distance in px from a pixel centre to each region (negative inside), computed here
 * from the contract's definitions, independently of the mask code under test.
 */
function distances(x: number, y: number): number[] {
  const px = x + 0.5;
  const py = y + 0.5;
  return ROIS.map((r) => {
    if (r.kind === 'rect') {
      const [x0, x1, y0, y1] = [r.x * W, (r.x + r.w) * W, r.y * H, (r.y + r.h) * H];
      const dx = Math.max(x0 - px, 0, px - x1);
      const dy = Math.max(y0 - py, 0, py - y1);
      if (dx === 0 && dy === 0) return -Math.min(px - x0, x1 - px, py - y0, y1 - py);
      return Math.hypot(dx, dy);
    }
    if (r.kind === 'ellipse') {
      const [cx, cy, rx, ry] = [(r.x + r.w / 2) * W, (r.y + r.h / 2) * H, (r.w / 2) * W, (r.h / 2) * H];
      // radial distance scaled by the short semi-axis: a lower bound outside, good enough inside
      const k = Math.hypot((px - cx) / rx, (py - cy) / ry);
      return (k - 1) * Math.min(rx, ry);
    }
    const [[ax, ay], [bx, by]] = r.points.map(([u, v]) => [u * W, v * H]);
    const [dx, dy] = [bx - ax, by - ay];
    const t = Math.min(1, Math.max(0, ((px - ax) * dx + (py - ay) * dy) / (dx * dx + dy * dy)));
    return Math.hypot(px - (ax + t * dx), py - (ay + t * dy)) - r.radius * SHORT;
  });
}

/** Per pixel: the index of the region whose core it is in, -1 far outside all, -2 in between. */
function classify(): Int8Array {
  const cls = new Int8Array(W * H);
  for (let y = 0; y < H; y++)
    for (let x = 0; x < W; x++) {
      const d = distances(x, y);
      const core = d.findIndex((v) => v < -3);
      const far = d.every((v, i) => v > ROIS[i].feather * SHORT + 2);
      cls[y * W + x] = core >= 0 ? core : far ? -1 : -2;
    }
  return cls;
}

let root = '';
let photo = '';
before(async () => {
  root = tmpDir('evenlight-roi-px-');
  mkdirSync(join(root, 'photos'));
  photo = join(root, 'photos', 'dark.png');
  const data = new Float32Array(W * H * 3);
  for (let y = 0; y < H; y++)
    for (let x = 0; x < W; x++) data.set([(0.2 * x) / W + 0.02, (0.2 * y) / H + 0.02, 0.08], (y * W + x) * 3);
  await writeImage(photo, { width: W, height: H, data }, { format: 'png' });
});
after(async () => {
  await stopEngineHost();
  rmSync(root, { recursive: true, force: true });
});

/** Paints the job's binary frames into one RGBA image. */
function assemble(frames: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(W * H * 4);
  for (const f of frames) {
    const t = decodeTileFrame(f);
    assert.deepEqual([t.imageWidth, t.imageHeight], [W, H]);
    for (let y = 0; y < t.h; y++) out.set(t.rgba.subarray(y * t.w * 4, (y + 1) * t.w * 4), ((t.y + y) * W + t.x) * 4);
  }
  return out;
}

/** Checks `after` against `before` (both `channels` per pixel) region by region. */
function checkRegions(beforePx: Uint8Array, afterPx: Uint8Array, channels: number, how: string): void {
  const cls = classify();
  const changed = ROIS.map(() => ({ n: 0, sum: 0 }));
  let farPixels = 0;
  let farDiffering = 0;
  for (let i = 0; i < W * H; i++) {
    let d = 0;
    for (let c = 0; c < 3; c++) d += Math.abs(afterPx[i * channels + c] - beforePx[i * channels + c]);
    if (cls[i] >= 0) {
      changed[cls[i]].n++;
      changed[cls[i]].sum += d / 3;
    } else if (cls[i] === -1) {
      farPixels++;
      if (d) farDiffering++;
    }
  }
  for (const [i, c] of changed.entries()) {
    assert.ok(c.n > 500, `${how}: ${ROIS[i].kind} core has ${c.n} px`);
    assert.ok(c.sum / c.n > 15, `${how}: inside the ${ROIS[i].kind} the photo changed by ${(c.sum / c.n).toFixed(1)} levels on average`);
  }
  assert.ok(farPixels > W * H * 0.2, `${how}: ${farPixels} px far outside`);
  assert.equal(farDiffering, 0, `${how}: ${farDiffering} of ${farPixels} px beyond the feather changed`);
}

function host(tiles: Uint8Array[]): Host {
  return { kind: 'bridge', version: '0', emit: () => {}, sendTile: (f) => tiles.push(f) };
}

test('normalize with three ROIs over IPC: changed inside each, untouched beyond the feather', async () => {
  const beforeTiles: Uint8Array[] = [];
  const afterTiles: Uint8Array[] = [];
  const r = createRouter(host([]));
  await r.call('openFolder', { path: join(root, 'photos') });
  // the editor's two streams: the "before" and the normalised result, at the same working size
  const pr = createRouter({ ...host(beforeTiles) }, r.context.access);
  const p = await pr.call('preview', { jobId: 'before', path: photo, maxSide: 0 });
  assert.ok(p.ok, JSON.stringify(p));
  const nr = createRouter(host(afterTiles), r.context.access);
  const n = await nr.call('normalize', { jobId: 'after', path: photo, mode: 'classic', rois: ROIS, maxSide: 0 });
  assert.ok(n.ok, JSON.stringify(n));
  checkRegions(assemble(beforeTiles), assemble(afterTiles), 4, 'normalize');
});

test('exportPhoto with the same ROIs: the full-size file changes inside, not beyond the feather', async () => {
  const r = createRouter(host([]));
  await r.call('openFolder', { path: join(root, 'photos') });
  const res = await r.call('exportPhoto', { path: photo, outDir: join(root, 'photos', 'out'), mode: 'classic', format: 'png', rois: ROIS });
  assert.ok(res.ok, JSON.stringify(res));
  const raw = async (p: string) => {
    const { data, info } = await sharp(p).removeAlpha().raw().toBuffer({ resolveWithObject: true });
    assert.deepEqual([info.width, info.height], [W, H]);
    return new Uint8Array(data);
  };
  checkRegions(await raw(photo), await raw(res.value.output), 3, 'exportPhoto');
});

test('without ROIs the whole photo changes (the regions above are what limits it)', async () => {
  const tiles: Uint8Array[] = [];
  const r = createRouter(host(tiles));
  await r.call('openFolder', { path: join(root, 'photos') });
  const n = await r.call('normalize', { jobId: 'whole', path: photo, mode: 'classic', maxSide: 0 });
  assert.ok(n.ok);
  const beforeTiles: Uint8Array[] = [];
  const pr = createRouter(host(beforeTiles), r.context.access);
  assert.ok((await pr.call('preview', { jobId: 'b', path: photo, maxSide: 0 })).ok);
  const a = assemble(tiles);
  const b = assemble(beforeTiles);
  let same = 0;
  for (let i = 0; i < W * H; i++) if (a[i * 4] === b[i * 4] && a[i * 4 + 1] === b[i * 4 + 1] && a[i * 4 + 2] === b[i * 4 + 2]) same++;
  assert.ok(same < W * H * 0.01, `${same} px unchanged without ROIs`);
});

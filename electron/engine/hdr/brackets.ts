// Groups photos into exposure brackets from their EXIF, for `evenlight brackets`, `fuse`
// and the app. A bracket is a run of consecutive shots (by capture time) from the same
// camera at the same size, each starting within `maxGapSeconds` of the previous shot's
// end (start + exposure time: long exposures are allowed for), with pairwise different
// exposures (time or bias). Frames come back darkest first.
import sharp from 'sharp';
import { readExif, type ExifSummary } from '../image/exif';
import { errorMessage, throwIfAborted } from '../errors';
import { listPhotoFiles } from '../photo-files';

export interface FrameInfo {
  path: string;
  exposureTime?: number;
  exposureBias?: number;
  /** ms since epoch of the capture time (EXIF local time read as UTC when no offset) */
  captureMs?: number;
  captureTime?: string;
  camera: string;
  width?: number;
  height?: number;
}

export interface Bracket {
  /** darkest first */
  frames: FrameInfo[];
  camera: string;
  width?: number;
  height?: number;
  /** log2 of brightest/darkest exposure time when all times are known */
  evSpan?: number;
}

export interface BracketScan {
  brackets: Bracket[];
  /** frames that belong to no bracket, with the reason */
  singles: Array<{ path: string; reason: string }>;
  /** files that could not be read */
  failed: Array<{ path: string; error: string }>;
}

export interface GroupOptions {
  /** allowed pause between the end of one shot and the start of the next (default 2 s; EXIF times have 1 s resolution) */
  maxGapSeconds?: number;
}

export interface ScanOptions extends GroupOptions {
  signal?: AbortSignal;
  onProgress?: (done: number, total: number) => void;
}

function sameExposure(a: FrameInfo, b: FrameInfo): boolean {
  const t = a.exposureTime !== undefined && b.exposureTime !== undefined ? Math.abs(Math.log2(a.exposureTime / b.exposureTime)) < 0.05 : a.exposureTime === b.exposureTime;
  const e = Math.abs((a.exposureBias ?? 0) - (b.exposureBias ?? 0)) < 0.05;
  return t && e;
}

/** Relative exposure used for ordering: log2 time, plus the bias when times are missing. */
function exposureKey(f: FrameInfo): number {
  if (f.exposureTime !== undefined && f.exposureTime > 0) return Math.log2(f.exposureTime);
  return f.exposureBias ?? 0;
}

function parseCapture(s: string | undefined): number | undefined {
  if (!s) return undefined;
  // no offset: read as UTC so the result does not depend on this machine's time zone
  const ms = Date.parse(/[zZ]|[+-]\d\d:?\d\d$/.test(s) ? s : `${s}Z`);
  return Number.isFinite(ms) ? ms : undefined;
}

export function frameFromExif(path: string, e: ExifSummary, size?: { width: number; height: number }): FrameInfo {
  return {
    path,
    exposureTime: e.exposureTime,
    exposureBias: e.exposureBias,
    captureTime: e.captureTime,
    captureMs: parseCapture(e.captureTime),
    // models usually repeat the make ("Canon" + "Canon EOS 70D")
    camera: (e.make && e.model?.toLowerCase().startsWith(e.make.toLowerCase()) ? e.model : [e.make, e.model].filter(Boolean).join(' ')) || 'unknown camera',
    width: size?.width ?? e.width,
    height: size?.height ?? e.height,
  };
}

/** Pure grouping of already-read frames (any order). */
export function groupBrackets(frames: FrameInfo[], opts: GroupOptions = {}): Omit<BracketScan, 'failed'> {
  const maxGapMs = (opts.maxGapSeconds ?? 2) * 1000;
  const singles: BracketScan['singles'] = [];
  const timed = frames.filter((f) => {
    if (f.captureMs === undefined) singles.push({ path: f.path, reason: 'no capture time in EXIF' });
    else if (f.exposureTime === undefined && f.exposureBias === undefined) singles.push({ path: f.path, reason: 'no exposure time or bias in EXIF' });
    else return true;
    return false;
  });
  timed.sort((a, b) => (a.captureMs as number) - (b.captureMs as number) || a.path.localeCompare(b.path));
  const groups: FrameInfo[][] = [];
  // why each frame was not joined to the shot before it
  const split = new Map<FrameInfo, string>();
  let cur: FrameInfo[] = [];
  for (const f of timed) {
    const prev = cur[cur.length - 1];
    if (prev) {
      const gap = (f.captureMs as number) - ((prev.captureMs as number) + (prev.exposureTime ?? 0) * 1000);
      let reason = '';
      if (f.camera !== prev.camera) reason = 'different camera';
      else if (f.width !== prev.width || f.height !== prev.height) reason = 'different image size';
      else if (gap > maxGapMs) reason = `taken ${(gap / 1000).toFixed(1)} s after it ended`;
      else if (cur.some((g) => sameExposure(g, f))) reason = 'same exposure';
      if (reason) {
        split.set(f, reason);
        groups.push(cur);
        cur = [];
      }
    }
    cur.push(f);
  }
  if (cur.length) groups.push(cur);
  const brackets: Bracket[] = [];
  for (const g of groups) {
    if (g.length < 2) {
      const i = timed.indexOf(g[0]);
      const parts: string[] = [];
      if (split.has(g[0])) parts.push(`previous shot: ${split.get(g[0])}`);
      const next = timed[i + 1];
      if (next && split.has(next)) parts.push(`next shot: ${split.get(next)}`);
      singles.push({ path: g[0].path, reason: parts.length ? parts.join('; ') : 'no other shot to pair with' });
      continue;
    }
    const sorted = [...g].sort((a, b) => exposureKey(a) - exposureKey(b));
    const times = sorted.map((f) => f.exposureTime);
    const b: Bracket = { frames: sorted, camera: g[0].camera, width: g[0].width, height: g[0].height };
    if (times.every((t): t is number => t !== undefined && t > 0)) b.evSpan = Math.log2(times[times.length - 1] / times[0]);
    brackets.push(b);
  }
  return { brackets, singles };
}

async function imageSize(path: string, e: ExifSummary): Promise<{ width: number; height: number } | undefined> {
  try {
    const md = await sharp(path).metadata();
    if (md.width && md.height) {
      // orientations 5..8 swap the displayed width and height
      const swap = (md.orientation ?? 1) >= 5;
      return swap ? { width: md.height, height: md.width } : { width: md.width, height: md.height };
    }
  } catch {
    // RAW files sharp cannot open: fall back to the EXIF dimensions
  }
  return e.width && e.height ? { width: e.width, height: e.height } : undefined;
}

/** Reads EXIF of the given files and groups them. */
export async function findBrackets(paths: string[], opts: ScanOptions = {}): Promise<BracketScan> {
  const frames: FrameInfo[] = [];
  const failed: BracketScan['failed'] = [];
  for (const [i, p] of paths.entries()) {
    throwIfAborted(opts.signal);
    try {
      const e = await readExif(p);
      frames.push(frameFromExif(p, e, await imageSize(p, e)));
    } catch (err) {
      failed.push({ path: p, error: errorMessage(err, p) });
    }
    opts.onProgress?.(i + 1, paths.length);
  }
  return { ...groupBrackets(frames, opts), failed };
}

/** Groups the photos directly inside `dir`. */
export async function scanBracketDir(dir: string, opts: ScanOptions = {}): Promise<BracketScan> {
  return findBrackets((await listPhotoFiles(dir)).map((f) => f.path), opts);
}

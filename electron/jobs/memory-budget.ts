/**
 * Admission of engine jobs by estimated memory. A 200 KB PNG can declare 8000×8000 pixels
 * (768 MB as float RGB, ~2 GB with the working copies), and jobs used to start with no cap
 * at all: enough of them at once and the OOM killer ends the app. Every job now reserves
 * pixels × bytes per pixel × copies, read from the file headers (no decode), against a
 * budget taken from the machine's (or the container's) memory. A job that fits later
 * waits in line; one that can never fit is refused at once with a clear error.
 */
import { totalmem } from 'node:os';
import { cancelledError, EvenlightError, headerInfo, memoryBudgetOverride, sniffFile, throwIfAborted } from '../engine';
import type { EngineJob } from './job';

/** Float32 RGB, the engine's working format. */
export const BYTES_PER_PIXEL = 12;
/** Share of the machine's memory engine jobs may hold together. */
export const BUDGET_SHARE = 0.6;
/** At most this many jobs run at once, whatever their size (thumbnails queue behind). */
export const MAX_RUNNING_JOBS = 6;
/** Pixels assumed when a header does not say (a typical 24 MP camera file). */
const UNKNOWN_PIXELS = 24e6;

const GB = 1024 ** 3;
const gb = (b: number) => `${(b / GB).toFixed(1)} GB`;

export function memoryBudgetBytes(): number {
  const set = memoryBudgetOverride();
  if (set) return set;
  const limit = (process as { constrainedMemory?: () => number | undefined }).constrainedMemory?.();
  const machine = Math.min(totalmem(), limit && limit > 0 ? limit : Infinity);
  return Math.floor(machine * BUDGET_SHARE);
}

/** Pixels a file declares in its header; UNKNOWN_PIXELS when it does not say. */
export async function declaredPixels(path: string): Promise<{ pixels: number; raw: boolean }> {
  try {
    const { format, head, size } = await sniffFile(path);
    const h = headerInfo(head, format, size);
    return { pixels: h.width && h.height ? h.width * h.height : UNKNOWN_PIXELS, raw: format === 'raw' };
  } catch {
    return { pixels: UNKNOWN_PIXELS, raw: false }; // the job itself will report the file
  }
}

/**
 * Bytes a job may hold at its peak: the decoded photo plus the copies it works on
 * (normalize: input, output, tiles; export: the same at full size; compare: the largest
 * decode, every frame at the working size and the fusion's pyramids). A batch works through one photo at a time.
 */
export async function estimateJobBytes(job: EngineJob): Promise<number> {
  switch (job.kind) {
    case 'thumbnail': {
      const { pixels, raw } = await declaredPixels(job.path);
      // RAW without a preview: a half-size decode; others: libvips shrink-on-load, 8-bit
      return raw ? (pixels / 4) * BYTES_PER_PIXEL * 2 : pixels * 4;
    }
    case 'preview':
    case 'normalize': {
      const { pixels, raw } = await declaredPixels(job.path);
      const decoded = raw && job.maxSide > 0 && job.maxSide <= 3000 ? pixels / 4 : pixels;
      return decoded * BYTES_PER_PIXEL * 2;
    }
    case 'export': {
      const { pixels } = await declaredPixels(job.path);
      return pixels * BYTES_PER_PIXEL * 3;
    }
    case 'compare': {
      // frames are decoded one at a time and kept at the working size (a square of maxSide
      // bounds it), with the fusion's pyramids on top
      let largest = 0;
      let working = 0;
      for (const f of job.frames) {
        const { pixels } = await declaredPixels(f);
        largest = Math.max(largest, pixels);
        working += job.maxSide > 0 ? Math.min(pixels, job.maxSide * job.maxSide) : pixels;
      }
      return (largest + working * 3) * BYTES_PER_PIXEL;
    }
    case 'batch':
      return UNKNOWN_PIXELS * BYTES_PER_PIXEL * 3;
  }
}

export interface MemoryGate {
  /** Waits until `bytes` fit, then holds them until the returned release is called. */
  admit(bytes: number, what: string, signal?: AbortSignal): Promise<() => void>;
  stats(): { inUse: number; running: number; waiting: number; budget: number };
}

export function createMemoryGate(budget: () => number = memoryBudgetBytes, maxRunning = MAX_RUNNING_JOBS): MemoryGate {
  let inUse = 0;
  let running = 0;
  const waiting: { bytes: number; start: () => void }[] = [];
  const fits = (bytes: number) => running < maxRunning && (running === 0 || inUse + bytes <= budget());
  const pump = () => {
    while (waiting.length && fits(waiting[0].bytes)) waiting.shift()!.start();
  };
  return {
    admit(bytes, what, signal) {
      return new Promise((resolve, reject) => {
        throwIfAborted(signal);
        const max = budget();
        if (bytes > max) {
          return reject(new EvenlightError('FAILED', what, `needs about ${gb(bytes)} of memory, more than Evenlight's budget of ${gb(max)} (${Math.round(BUDGET_SHARE * 100)} % of this machine's; EVENLIGHT_MEMORY_BUDGET_MB sets it); use a smaller photo`));
        }
        let released = false;
        const entry = {
          bytes,
          start: () => {
            signal?.removeEventListener('abort', onAbort);
            inUse += bytes;
            running++;
            resolve(() => {
              if (released) return;
              released = true;
              inUse -= bytes;
              running--;
              pump();
            });
          },
        };
        const onAbort = () => {
          const i = waiting.indexOf(entry);
          if (i >= 0) waiting.splice(i, 1);
          reject(cancelledError());
        };
        signal?.addEventListener('abort', onAbort, { once: true });
        waiting.push(entry);
        pump();
      });
    },
    stats: () => ({ inUse, running, waiting: waiting.length, budget: budget() }),
  };
}

// Thumbnail and EXIF loading for the grid: cached, and limited to a few requests in flight
// so scrolling through thousands of photos does not flood the engine.
import type { Exif } from '../../../electron/common/contract';
import { call } from './transport';

const thumbCache = new Map<string, Promise<string>>();
const exifCache = new Map<string, Promise<Exif | null>>();
const MAX_IN_FLIGHT = 4;
let inFlight = 0;
const queue: (() => void)[] = [];

function limited<T>(job: () => Promise<T>): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const run = () => {
      inFlight++;
      job()
        .then(resolve, reject)
        .finally(() => {
          inFlight--;
          queue.shift()?.();
        });
    };
    if (inFlight < MAX_IN_FLIGHT) run();
    else queue.push(run);
  });
}

export function thumbnail(path: string, maxSide = 320): Promise<string> {
  const key = `${maxSide}:${path}`;
  let p = thumbCache.get(key);
  if (!p) {
    p = limited(() => call('thumbnail', { path, maxSide })).then((r) => r.dataUrl);
    p.catch(() => thumbCache.delete(key));
    thumbCache.set(key, p);
  }
  return p;
}

export function exifOf(path: string): Promise<Exif | null> {
  let p = exifCache.get(path);
  if (!p) {
    p = limited(() => call('photoInfo', { path })).then(
      (r) => r.exif,
      () => null,
    );
    exifCache.set(path, p);
  }
  return p;
}

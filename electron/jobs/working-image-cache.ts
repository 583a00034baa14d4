/**
 * The last decoded working images, kept in the engine worker so the editor's preview, its
 * Normalise and the next Normalise at another strength or region share one decode (a
 * 24 MP RAW takes seconds). An entry holds while the file's size and modification time
 * are unchanged. Two working images at the editor's 2048 px are about 70 MB; a larger
 * one (a full-size working image of a big photo) is used once and not kept.
 * Callers must not write into what they get; the engine never modifies its input.
 *
 * Beside each working image, one spare buffer of its size for a Normalise's result
 * (`reserveSpare` / `lendSpare` / `keepSpare`): a fresh one faults in every page on first
 * write, about 0.1 s at 2048 px here, and the editor's Normalise only streams tiles out of it.
 * The preview reserves it, its pages touched while the photographer looks (image/prefault.ts);
 * each Normalise keeps its result as the next one's. Jobs run concurrently, so a spare is lent
 * to one job at a time; another gets a fresh buffer.
 */
import { stat } from 'node:fs/promises';
import { isCancelled, reserveFloats, type FloatReservation, type RgbFloat } from '../engine';

const ENTRIES = 2;
/** Largest image kept: 128 MiB of floats, about a 10 MP photo at full size. */
export const MAX_KEPT_BYTES = 128 * 1024 * 1024;

interface Entry {
  key: string;
  stamp: string;
  image: Promise<RgbFloat>;
}

const entries: Entry[] = []; // most recently used first
const counts = { hits: 0, misses: 0 };

/** Hits and misses so far (diagnostics and tests). */
export function workingImageCacheStats(): { hits: number; misses: number; entries: number } {
  return { ...counts, entries: entries.length };
}

export function clearWorkingImageCache(): void {
  entries.length = 0;
}

/**
 * `load` decodes path at maxSide; it runs once per (path, maxSide, file version). A waiter
 * whose shared load was cancelled by another job's abort, while its own `signal` was not,
 * loads again rather than failing.
 */
export async function cachedWorkingImage(path: string, maxSide: number, signal: AbortSignal, load: () => Promise<RgbFloat>): Promise<RgbFloat> {
  for (;;) {
    let stamp: string;
    try {
      const s = await stat(path);
      stamp = `${s.size}:${s.mtimeMs}`;
    } catch {
      return load(); // the decoder names the file and the cause
    }
    const key = `${maxSide}\0${path}`;
    const at = entries.findIndex((e) => e.key === key);
    let entry = at >= 0 ? entries.splice(at, 1)[0] : undefined;
    if (entry && entry.stamp === stamp) counts.hits++;
    else {
      counts.misses++;
      const created: Entry = { key, stamp, image: load() };
      const drop = (): void => {
        const k = entries.indexOf(created);
        if (k >= 0) entries.splice(k, 1);
      };
      created.image.then((img) => {
        if (img.data.byteLength > MAX_KEPT_BYTES) drop();
      }, drop);
      entry = created;
    }
    entries.unshift(entry);
    entries.length = Math.min(entries.length, ENTRIES);
    try {
      return await entry.image;
    } catch (err) {
      if (!isCancelled(err) || signal.aborted) throw err;
    }
  }
}

const spares = new WeakMap<RgbFloat, Float32Array | FloatReservation>();

/** A spare for the image, its pages touched between event-loop turns until it is lent (none when it has one, or when the image is past the size cap: used once, not kept). */
export function reserveSpare(image: RgbFloat): void {
  if (!spares.has(image) && image.data.byteLength <= MAX_KEPT_BYTES) spares.set(image, reserveFloats(image.data.length));
}

/** The image's spare result buffer, now the caller's alone, its touching stopped (undefined: none is free). */
export function lendSpare(image: RgbFloat): Float32Array | undefined {
  const spare = spares.get(image);
  spares.delete(image);
  return spare instanceof Float32Array ? spare : spare?.take(image.data.length);
}

/** A finished job's result buffer kept as the image's spare (one per image; it goes with the image). */
export function keepSpare(image: RgbFloat, data: Float32Array | undefined): void {
  if (data && data.length === image.data.length && data.buffer !== image.data.buffer && !spares.has(image)) spares.set(image, data);
}

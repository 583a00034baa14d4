// What the benches share: where the shared data lies, the median they compare, and the table that
// pushes an 8-bit photo darker.
import { join, resolve } from 'node:path';
import { linearToSrgbExact, srgbToLinearExact } from '../electron/engine';

/** EVENLIGHT_DATA, else ../shared/data next to the repo, as the tests read it. */
export const dataDir = resolve(process.env.EVENLIGHT_DATA ?? join(__dirname, '..', '..', 'shared', 'data'));

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[s.length >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

/** Each 8-bit code as a shot `stops` darker would have written it (linear light / 2^stops). */
export function darkerCodes(stops: number): Uint8Array {
  return Uint8Array.from({ length: 256 }, (_, v) => Math.round(linearToSrgbExact(srgbToLinearExact(v / 255) / 2 ** stops) * 255));
}

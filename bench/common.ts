// What the benches share: where the shared data lies, and the median they compare.
import { join, resolve } from 'node:path';

/** EVENLIGHT_DATA, else ../shared/data next to the repo, as the tests read it. */
export const dataDir = resolve(process.env.EVENLIGHT_DATA ?? join(__dirname, '..', '..', 'shared', 'data'));

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[s.length >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

// What the benches share: where the shared data lies, the median they compare, a whole process
// timed with its peak RSS, and the table that pushes an 8-bit photo darker.
import { execFileSync, spawnSync } from 'node:child_process';
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

/** Wall ms and peak RSS (MiB) of a whole process, by GNU time. */
export function timedProcess(cmd: string, args: string[]): { ms: number; peakRssMiB: number } {
  const t = performance.now();
  const r = spawnSync('/usr/bin/time', ['-v', cmd, ...args], { encoding: 'utf8', maxBuffer: 1 << 24 });
  const ms = performance.now() - t;
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed: ${(r.stderr || '').split('\n').slice(-5).join(' ')}`);
  const m = /Maximum resident set size \(kbytes\): (\d+)/.exec(r.stderr);
  return { ms, peakRssMiB: m ? Math.round(Number(m[1]) / 1024) : -1 };
}

/** Whether a peer's command is installed (`-h` exits non-zero on some builds; only a missing binary counts). */
export function installed(cmd: string): boolean {
  try {
    execFileSync(cmd, ['-h'], { stdio: 'ignore' });
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code !== 'ENOENT';
  }
}

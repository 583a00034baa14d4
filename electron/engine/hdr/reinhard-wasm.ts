/**
 * Reinhard & Devlin's tone map with the kernel hdr/wasm/reinhard.ts (loaded by
 * normalize/simd.ts): reinhard.ts's passes bit for bit (a test holds them), a row at a time.
 * Only without light adaptation, fusion's setting (with it each sample takes a power, and
 * AssemblyScript's pow is not V8's); reinhard.ts keeps the JavaScript for the rest.
 *
 *   reinhardKernel() -> ReinhardPasses | undefined
 */
import { kernelOnce } from '../normalize/simd';

type Kernel = (...args: number[]) => number;

/** The first linear map: [min, min + range] to 0..1 when scaled, else the clamp alone. */
export interface LinearMap {
  min: number;
  range: number;
  scaled: boolean;
}

export interface CurveParams {
  global: number[];
  /** each channel's adaptation^m without light adaptation */
  fixed: number[];
  intensity: number;
  mapKey: number;
  lightAdapt: number;
  colorAdapt: number;
}

/** The operator's four passes over interleaved RGB samples. */
export interface ReinhardPasses {
  minMax(src: Float32Array): { min: number; max: number };
  stats(src: Float32Array, map: LinearMap): { logSum: number; logMin: number; logMax: number; greySum: number; chanSum: number[] };
  /** light adaptation 0 only, in the kernel */
  curve(src: Float32Array, out: Float32Array, map: LinearMap, p: CurveParams): { min: number; max: number };
  /** in place: the second linear map, then ^k */
  power(data: Float32Array, map: LinearMap, k: number): void;
}

const ROW = 3 * 4096; // samples a call

export const reinhardKernel = kernelOnce('reinhard', (module): ReinhardPasses => {
  const { reset, stat, minMaxRow, statsRow, curveRow, powerRow } = module.exports as Record<string, Kernel>;
  const [pSrc, pOut] = module.layout([ROW * 4, ROW * 4]);
  const rows = (src: Float32Array, visit: (at: number, n: number) => void): void => {
    const into = new Float32Array(module.buffer, pSrc, ROW);
    for (let at = 0; at < src.length; at += ROW) {
      const n = Math.min(ROW, src.length - at);
      into.set(src.subarray(at, at + n));
      visit(at, n);
    }
  };
  return {
    minMax(src) {
      reset();
      rows(src, (_, n) => minMaxRow(pSrc, n));
      return { min: stat(0), max: stat(1) };
    },
    stats(src, { min, range, scaled }) {
      rows(src, (_, n) => statsRow(pSrc, n, min, range, scaled ? 1 : 0));
      return { logSum: stat(2), logMin: stat(3), logMax: stat(4), greySum: stat(5), chanSum: [stat(6), stat(7), stat(8)] };
    },
    curve(src, out, { min, range, scaled }, { fixed: [a0, a1, a2] }) {
      const from = new Float32Array(module.buffer, pOut, ROW);
      rows(src, (at, n) => {
        curveRow(pSrc, pOut, n, min, range, scaled ? 1 : 0, a0, a1, a2);
        out.set(from.subarray(0, n), at);
      });
      return { min: stat(9), max: stat(10) };
    },
    power(data, { min, range, scaled }, k) {
      const from = new Float32Array(module.buffer, pSrc, ROW);
      rows(data, (at, n) => {
        powerRow(pSrc, n, min, range, scaled ? 1 : 0, k);
        data.set(from.subarray(0, n), at);
      });
    },
  };
});

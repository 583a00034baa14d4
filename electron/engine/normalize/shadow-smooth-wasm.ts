/**
 * The deep-shadow smoothing of an 8-bit band with the kernel wasm/shadow8.ts (loaded by
 * simd.ts): shadow-smooth.ts's smoothShadowRows in float32, a few times its speed; a test
 * holds the two within 1e-5. The transform workers use it for 8-bit bands; any other depth,
 * or an install without the .wasm, takes smoothShadowRows.
 *
 *   shadowKernel8() -> ((src, width, height, y0, y1, srcRow0?, into?) => SmoothedRows | undefined) | undefined
 */
import { LINEAR_TO_SRGB_TABLE, SRGB_TABLE_N } from '../image/srgb';
import { floatScale } from '../image/to-float';
import { HI, LIN_HI, linTable, LO, RADIUS, type SmoothedRows } from './shadow-smooth';
import { kernelOnce } from './simd';

export type ShadowKernel8 = (src: Uint8Array, width: number, height: number, y0: number, y1: number, srcRow0?: number, into?: Float32Array) => SmoothedRows | undefined;

type SmoothRows8 = (...args: number[]) => number;

/** Bytes of the kernel's tables (lut, unit, enc), laid out as three blocks. */
export const SHADOW_TABLE_BYTES = [1024, 1024, 4 * LINEAR_TO_SRGB_TABLE.length] as const;

/** The kernel's tables into a module's memory at the three blocks of SHADOW_TABLE_BYTES (any module that holds smoothRows8). */
export function writeShadowTables(buf: ArrayBuffer, pLut: number, pUnit: number, pEnc: number): void {
  new Float32Array(buf, pLut, 256).set(linTable(255) as Float32Array);
  new Float32Array(buf, pUnit, 256).set(floatScale(8)); // code / 255, as image/to-float.ts reads every 8-bit sample
  new Float32Array(buf, pEnc, LINEAR_TO_SRGB_TABLE.length).set(LINEAR_TO_SRGB_TABLE);
}

export const shadowKernel8 = kernelOnce('shadow8', (module): ShadowKernel8 => {
  const smoothRows8 = module.exports.smoothRows8 as SmoothRows8;
  return (src, width, height, y0, y1, srcRow0 = 0, into) => {
    const rowLen = width * 3;
    const a0 = Math.max(0, y0 - RADIUS);
    const a1 = Math.min(height, y1 + RADIUS);
    const rows = y1 - y0;
    // layout: in, out, changed, lut, unit, enc, ring (three rows of linear light, three of their pass)
    const at = module.layout([(a1 - a0) * rowLen + 16, 4 * rows * rowLen, rows, ...SHADOW_TABLE_BYTES, 4 * 6 * rowLen + 64]);
    const [pIn, pOut, pChanged, pLut, pUnit, pEnc, pRing] = at;
    const buf = module.buffer;
    new Uint8Array(buf, pIn, (a1 - a0) * rowLen).set(src.subarray((a0 - srcRow0) * rowLen, (a1 - srcRow0) * rowLen));
    writeShadowTables(buf, pLut, pUnit, pEnc);
    const any = smoothRows8(pIn, a0, pOut, pChanged, pLut, pUnit, pEnc, SRGB_TABLE_N, pRing, width, height, y0, y1, LIN_HI, LO, HI);
    if (!any) return undefined;
    const values = into ? into.subarray(0, rows * rowLen) : new Float32Array(rows * rowLen);
    values.set(new Float32Array(buf, pOut, rows * rowLen));
    return { values, changed: new Uint8Array(buf, pChanged, rows).slice() };
  };
});

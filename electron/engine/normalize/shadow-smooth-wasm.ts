/**
 * The deep-shadow smoothing with the kernel wasm/shadow-smooth.ts (loaded by simd.ts):
 * shadow-smooth.ts's smoothShadowRows in float32 on 8-bit, 16-bit or float samples, several
 * times its speed; a test holds the two within 1e-6. The transform's module holds the same code
 * and runs it inside its bands (curve-apply-wasm.ts applyBand, with this file's tables); this
 * module alone is the smoothing by itself, which the tests and `npm run bench -- simd` hold
 * against smoothShadowRows.
 *
 *   shadowKernel() -> ((src, inMax, width, height, y0, y1, srcRow0?, into?) => SmoothedRows | undefined) | undefined
 *     the arguments and result of smoothShadowRows (inMax 255, 65535, or 1 for floats)
 */
import { LINEAR_TO_SRGB_TABLE, SRGB_TABLE_N, SRGB_TO_LINEAR_TABLE } from '../image/srgb';
import { floatScale } from '../image/to-float';
import { HI, LIN_HI, linTable, LO, RADIUS, type SmoothedRows } from './shadow-smooth';
import { kernelOnce } from './simd';

type Samples = Uint8Array | Uint16Array | Float32Array;
export type ShadowKernel = (src: Samples, inMax: number, width: number, height: number, y0: number, y1: number, srcRow0?: number, into?: Float32Array) => SmoothedRows | undefined;

type SmoothRows = (...args: number[]) => number;


/** Bytes of the kernel's ring for rows of rowLen floats: three rows of linear light, three of their horizontal pass, one of the vertical, and SIMD's overrun. */
export function shadowRingBytes(rowLen: number): number {
  return 4 * 7 * rowLen + 64;
}

/** Bytes of the kernel's tables (lut, unit, enc) for samples of full scale inMax, laid out as three blocks. */
export function shadowTableBytes(inMax: number): [number, number, number] {
  const k = KINDS[kindOf(inMax)];
  return [4 * k.lut().length, 4 * k.unit().length, 4 * LINEAR_TO_SRGB_TABLE.length];
}

/** Per sample type: the kernel's entry, its tables (lut: linear light; unit: as read unchanged) and their floats. */
const KINDS = {
  8: { entry: 'smoothRows8', array: Uint8Array, lut: () => linTable(255) as Float32Array, unit: () => floatScale(8) },
  16: { entry: 'smoothRows16', array: Uint16Array, lut: () => linTable(65535) as Float32Array, unit: () => floatScale(16) },
  32: { entry: 'smoothRowsF32', array: Float32Array, lut: () => SRGB_TO_LINEAR_TABLE as Float32Array, unit: () => new Float32Array(0) },
} as const;

function kindOf(inMax: number): keyof typeof KINDS {
  if (inMax === 255) return 8;
  if (inMax === 65535) return 16;
  if (inMax === 1) return 32;
  throw new RangeError(`shadow kernel: samples of max ${inMax}`);
}

/** The kernel's entry for samples of full scale inMax (any module that holds the smoothing exports it). */
export function shadowEntry(inMax: number): string {
  return KINDS[kindOf(inMax)].entry;
}

/** The kernel's tables into a module's memory at the three blocks of shadowTableBytes (any module that holds the smoothing). */
export function writeShadowTablesFor(inMax: number, buf: ArrayBuffer, pLut: number, pUnit: number, pEnc: number): void {
  const k = KINDS[kindOf(inMax)];
  const lut = k.lut();
  const unit = k.unit();
  new Float32Array(buf, pLut, lut.length).set(lut);
  new Float32Array(buf, pUnit, unit.length).set(unit);
  new Float32Array(buf, pEnc, LINEAR_TO_SRGB_TABLE.length).set(LINEAR_TO_SRGB_TABLE);
}

export const shadowKernel = kernelOnce('shadow-smooth', (module): ShadowKernel => {
  return (src, inMax, width, height, y0, y1, srcRow0 = 0, into) => {
    const k = KINDS[kindOf(inMax)];
    const rowLen = width * 3;
    const a0 = Math.max(0, y0 - RADIUS);
    const a1 = Math.min(height, y1 + RADIUS);
    const rows = y1 - y0;
    // layout: in, out, changed, lut, unit, enc, ring
    const at = module.layout([(a1 - a0) * rowLen * k.array.BYTES_PER_ELEMENT + 16, 4 * rows * rowLen, rows, ...shadowTableBytes(inMax), shadowRingBytes(rowLen)]);
    const [pIn, pOut, pChanged, pLut, pUnit, pEnc, pRing] = at;
    const buf = module.buffer;
    new k.array(buf, pIn, (a1 - a0) * rowLen).set(src.subarray((a0 - srcRow0) * rowLen, (a1 - srcRow0) * rowLen));
    writeShadowTablesFor(inMax, buf, pLut, pUnit, pEnc);
    const smooth = module.exports[k.entry] as SmoothRows;
    const any = smooth(pIn, a0, pOut, pChanged, pLut, pUnit, pEnc, SRGB_TABLE_N, pRing, width, height, y0, y1, LIN_HI, LO, HI);
    if (!any) return undefined;
    const values = into ? into.subarray(0, rows * rowLen) : new Float32Array(rows * rowLen);
    values.set(new Float32Array(buf, pOut, rows * rowLen));
    return { values, changed: new Uint8Array(buf, pChanged, rows).slice() };
  };
});

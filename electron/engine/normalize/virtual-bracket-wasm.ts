/**
 * The virtual bracket's fusion (virtual-bracket.ts fuseFrames) with the kernel
 * wasm/bracket-fuse.ts (loaded by simd.ts): the same steps in float64 stored as float32, as
 * the JavaScript runs them; a test holds the two within 1e-6. Why: the fusion runs once a
 * photo, so in a fresh process V8 has not optimised its JavaScript (about 0.1 s at 112×112, a
 * fifth of that warm); the compiled kernel takes a few milliseconds from the first call. An
 * install without the .wasm takes the JavaScript.
 *
 *   bracketFuse() -> ((lin, size, kLo, kHi) => Float32Array) | undefined
 */
import { mertensMaxLevel } from '../hdr/mertens';
import { LINEAR_TO_SRGB_TABLE, SRGB_TABLE_N } from '../image/srgb';
import { kernelOnce } from './simd';

type Kernel = (...args: number[]) => number;

export const bracketFuse = kernelOnce('bracket-fuse', (module) => {
  const fuseLuma = module.exports.fuseLuma as Kernel;
  const workFloats = module.exports.workFloats as Kernel;
  return (lin: Float32Array, size: number, kLo: number, kHi: number): Float32Array => {
    const n = size * size;
    const maxLevel = mertensMaxLevel(size, size);
    // lin (planes), the encoding table, out, work
    const at = module.layout([12 * n, 4 * LINEAR_TO_SRGB_TABLE.length, 4 * n, 4 * workFloats(size, kHi - kLo + 1, maxLevel)]);
    const [pLin, pEnc, pOut, pWork] = at;
    const buf = module.buffer;
    new Float32Array(buf, pLin, 3 * n).set(lin.subarray(0, 3 * n));
    new Float32Array(buf, pEnc, LINEAR_TO_SRGB_TABLE.length).set(LINEAR_TO_SRGB_TABLE);
    fuseLuma(pLin, size, kLo, kHi, maxLevel, pEnc, SRGB_TABLE_N, pOut, pWork);
    return new Float32Array(buf, pOut, n).slice();
  };
});

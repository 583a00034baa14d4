/**
 * The SIMD kernels of wasm/ (AssemblyScript, built by `npm run build:wasm` to
 * dist/wasm/<name>.wasm): loads one, once per thread, and lays its memory out for a call.
 * Each kernel has a module and a memory of its own. A missing file, or a runtime without
 * WebAssembly SIMD, gives undefined, and the caller keeps its JavaScript loop.
 *
 *   SIMD_KERNELS                                  the kernels the engine uses
 *   simdPath(name) -> string                      the .wasm of this install
 *   loadSimd(name) -> SimdModule | undefined
 *   kernelOnce(name, build) -> () => wrapper | undefined   built once per thread
 *   simdStatus() -> { loaded, missing }           for `evenlight info`
 *   module.layout(sizes) -> byte offsets          16-byte aligned, the memory grown to fit
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { install } from '../settings';

// lib ES2022 has no WebAssembly types (they come with lib.dom): the little used here
declare const WebAssembly: {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: Record<string, unknown> };
};
interface WasmMemory {
  buffer: ArrayBuffer;
  grow(pages: number): number;
}

export interface SimdModule {
  exports: Record<string, unknown>;
  /** the memory's current buffer (a new one after each growth) */
  readonly buffer: ArrayBuffer;
  /** offsets for blocks of these byte sizes, 16-byte aligned, the memory grown to hold them */
  layout(sizes: number[]): number[];
}

/** The kernels of wasm/ that the engine loads: the transform (curve-apply-wasm.ts), the thumbnail (thumbnail-wasm.ts), the deep-shadow smoothing (shadow-smooth-wasm.ts), the virtual bracket's fusion (virtual-bracket-wasm.ts) and, from metrics/wasm/ and hdr/wasm/, SSIM (metrics/ssim-wasm.ts), the Mertens weights and pyramids (hdr/mertens-weight-wasm.ts, hdr/pyramid-wasm.ts), the Debevec merge (hdr/debevec-wasm.ts) and Reinhard's tone map (hdr/reinhard-wasm.ts). */
export const SIMD_KERNELS = ['curve-apply', 'area8', 'shadow-smooth', 'bracket-fuse', 'ssim', 'mertens-weight', 'pyramid', 'debevec-merge', 'reinhard'] as const;
export type SimdKernel = (typeof SIMD_KERNELS)[number];

/** Where the blocks start: below lies whatever the module keeps for itself. */
const BASE = 65536;
const PAGE = 65536;

/** dist/wasm/<name>.wasm of this install (app.asar.unpacked in a packaged app: workers read plain files). */
export function simdPath(name: string): string {
  const { kind, appDir } = install();
  return join(kind === 'packaged' ? `${appDir}.unpacked` : appDir, 'dist', 'wasm', `${name}.wasm`);
}

const loaded = new Map<string, SimdModule | null>();

export function loadSimd(name: string): SimdModule | undefined {
  if (!loaded.has(name)) loaded.set(name, load(name));
  return loaded.get(name) ?? undefined;
}

/**
 * `build(module)` once per thread, the first time the returned getter is called: a kernel's
 * wrapper (its tables and layouts), or undefined for good when the module does not load.
 */
export function kernelOnce<K>(name: SimdKernel, build: (module: SimdModule) => K): () => K | undefined {
  let made: K | null | undefined;
  return () => {
    if (made === undefined) {
      const module = loadSimd(name);
      made = module ? build(module) : null;
    }
    return made ?? undefined;
  };
}

/** Which kernels load in this runtime and install, and which do not (their JavaScript loops run instead). */
export function simdStatus(): { loaded: SimdKernel[]; missing: SimdKernel[] } {
  return { loaded: SIMD_KERNELS.filter((k) => loadSimd(k)), missing: SIMD_KERNELS.filter((k) => !loadSimd(k)) };
}

function load(name: string): SimdModule | null {
  const file = simdPath(name);
  if (!existsSync(file)) return null;
  let exports: Record<string, unknown>;
  try {
    exports = new WebAssembly.Instance(new WebAssembly.Module(readFileSync(file)), {
      env: {
        abort: () => {
          throw new Error(`${name}.wasm aborted`);
        },
      },
    }).exports;
  } catch {
    return null; // no SIMD in this runtime
  }
  const memory = exports.memory as WasmMemory;
  return {
    exports,
    get buffer() {
      return memory.buffer;
    },
    layout(sizes) {
      const at: number[] = [];
      let end = BASE;
      for (const n of sizes) {
        at.push(end);
        end += (n + 15) & ~15;
      }
      if (memory.buffer.byteLength < end) memory.grow(Math.ceil((end - memory.buffer.byteLength) / PAGE));
      return at;
    },
  };
}

/**
 * The few WebAssembly calls the RAW decoder makes. The project's lib is ES2022 without DOM,
 * and @types/node 20 does not declare the WebAssembly global, so it is typed here.
 */
/** A compiled module: opaque here, and cloneable to worker threads. */
export type WasmModule = { readonly __wasmModule?: never };
export type WasmInstance = { readonly exports: Record<string, unknown> };
export interface WasmMemory {
  readonly buffer: ArrayBuffer | SharedArrayBuffer;
}
interface WasmApi {
  compile(bytes: Uint8Array): Promise<WasmModule>;
  instantiate(module: WasmModule, imports: Record<string, Record<string, unknown>>): Promise<WasmInstance>;
  Memory: abstract new (...args: never[]) => WasmMemory;
}

export const wasm = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

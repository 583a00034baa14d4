/**
 * Which RAW decoder runs. A native dcraw_emu / dcraw (native-bin/ or PATH) when there is one,
 * because `npm run bench -- raw` measures it faster than LibRaw in WebAssembly; otherwise
 * libraw-wasm, which `npm ci` installs on every platform.
 * EVENLIGHT_RAW_DECODER=wasm|native overrides.
 */
import { EvenlightError } from '../errors';
import type { RgbFloat } from '../image/types';
import { decodeRaw, decoderVersion, resolveDecoder, type Decoder, type RawDecodeInfo, type RawDecodeOptions } from './dcraw';
import { decodeRawWasm, wasmDecoderInfo } from './libraw-wasm';
import { rawDecoderPreference } from '../settings';

export type RawDecoderChoice =
  | { kind: 'native'; decoder: Decoder; reason: string }
  | { kind: 'wasm'; reason: string }
  | { kind: 'none'; reason: string };

export interface ChooseOptions {
  /** EVENLIGHT_RAW_DECODER by default. */
  prefer?: string;
  /** Search places for native decoders (tests). */
  nativeDirs?: string[];
  pathEnv?: string;
  /** Pretend libraw-wasm is missing (tests). */
  noWasm?: boolean;
}

export function chooseRawDecoder(opts: ChooseOptions = {}): RawDecoderChoice {
  const prefer = opts.prefer?.toLowerCase() ?? rawDecoderPreference();
  const native = resolveDecoder({ nativeDirs: opts.nativeDirs, pathEnv: opts.pathEnv });
  const wasm = !opts.noWasm && wasmDecoderInfo() !== null;
  if (prefer === 'wasm' || prefer === 'libraw-wasm') {
    if (wasm) return { kind: 'wasm', reason: 'EVENLIGHT_RAW_DECODER=wasm' };
  } else if (prefer === 'native' || prefer === 'dcraw_emu' || prefer === 'dcraw') {
    if (native) return { kind: 'native', decoder: native, reason: `EVENLIGHT_RAW_DECODER=${prefer}` };
  }
  if (native) return { kind: 'native', decoder: native, reason: `native ${native.name} found in ${native.source}: faster than LibRaw WebAssembly (npm run bench -- raw)` };
  if (wasm) return { kind: 'wasm', reason: 'no dcraw_emu or dcraw in native-bin/ or on PATH: LibRaw compiled to WebAssembly (npm package libraw-wasm)' };
  return { kind: 'none', reason: 'no dcraw_emu or dcraw in native-bin/ or on PATH, and the libraw-wasm package is not installed (npm ci)' };
}

/** For `evenlight info`: the decoder that runs, where it is, and why it was picked. */
export function rawDecoderInfo(opts: ChooseOptions = {}): { name: string; path: string; source: string; version: string; reason: string } | null {
  const c = chooseRawDecoder(opts);
  if (c.kind === 'native') return { name: c.decoder.name, path: c.decoder.path, source: c.decoder.source, version: decoderVersion(c.decoder), reason: c.reason };
  if (c.kind === 'wasm') {
    const w = wasmDecoderInfo()!;
    return { name: w.name, path: w.path, source: 'npm', version: w.version, reason: c.reason };
  }
  return null;
}

/** Decodes a camera RAW with the chosen decoder (or `opts.decoder`, a native one). */
export async function decodeRawFile(path: string, opts: RawDecodeOptions = {}): Promise<{ image: RgbFloat; info: RawDecodeInfo }> {
  if (opts.decoder) return decodeRaw(path, opts);
  const c = chooseRawDecoder();
  if (c.kind === 'native') return decodeRaw(path, { ...opts, decoder: c.decoder });
  if (c.kind === 'wasm') return decodeRawWasm(path, opts);
  throw new EvenlightError('DECODER_MISSING', path, `no RAW decoder: ${c.reason}`);
}

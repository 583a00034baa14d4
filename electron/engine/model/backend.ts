/**
 * Which ONNX Runtime execution provider to use on this machine (as transformers.js does
 * per platform): CUDA where its provider library is actually installed (the npm build
 * lists cuda with `bundled: false`: the binding knows it but the .so ships separately),
 * DirectML on Windows, CoreML on macOS, CPU otherwise. EVENLIGHT_EP overrides
 * (cpu | cuda | dml | coreml | webgpu). The session falls back to CPU when the chosen
 * provider fails to initialise.
 *
 * Exports:
 *   chooseExecutionProvider(facts) -> EpChoice          pure, for tests
 *   resolveExecutionProvider() -> EpChoice              facts of this process
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { executionProviderOverride } from '../settings';

export type ExecutionProvider = 'cpu' | 'cuda' | 'dml' | 'coreml' | 'webgpu';
export const EXECUTION_PROVIDERS: readonly ExecutionProvider[] = ['cpu', 'cuda', 'dml', 'coreml', 'webgpu'];

export interface EpFacts {
  platform: NodeJS.Platform;
  /** from onnxruntime-node listSupportedBackends() */
  backends: Array<{ name: string; bundled: boolean }>;
  /** value of EVENLIGHT_EP, if any */
  override?: string;
  /** whether a provider's shared library is present next to the ORT binding */
  providerLibExists: (ep: ExecutionProvider) => boolean;
}

export interface EpChoice {
  provider: ExecutionProvider;
  /** one line: why this provider */
  reason: string;
}

export function chooseExecutionProvider(f: EpFacts): EpChoice {
  const known = (name: string) => f.backends.find((b) => b.name === name);
  const override = f.override?.trim().toLowerCase();
  if (override) {
    if (!(EXECUTION_PROVIDERS as readonly string[]).includes(override)) {
      return { provider: 'cpu', reason: `EVENLIGHT_EP=${f.override} is not one of ${EXECUTION_PROVIDERS.join(', ')}; using cpu` };
    }
    return { provider: override as ExecutionProvider, reason: `EVENLIGHT_EP=${override}` };
  }
  const cuda = known('cuda');
  if (cuda && (cuda.bundled || f.providerLibExists('cuda'))) return { provider: 'cuda', reason: 'CUDA provider library installed' };
  if (f.platform === 'win32' && known('dml')) return { provider: 'dml', reason: 'Windows: DirectML' };
  if (f.platform === 'darwin' && known('coreml')) return { provider: 'coreml', reason: 'macOS: CoreML' };
  return { provider: 'cpu', reason: cuda ? 'CUDA provider library not installed; CPU' : 'CPU' };
}

/** Folder of the onnxruntime-node native binding for this platform/arch. */
function ortBinDir(): string | undefined {
  try {
    const pkg = require.resolve('onnxruntime-node/package.json');
    return join(dirname(pkg), 'bin', 'napi-v6', process.platform, process.arch);
  } catch {
    return undefined;
  }
}

function providerLibExists(ep: ExecutionProvider): boolean {
  const dir = ortBinDir();
  if (!dir) return false;
  const lib =
    process.platform === 'win32' ? `onnxruntime_providers_${ep}.dll` : `libonnxruntime_providers_${ep}.${process.platform === 'darwin' ? 'dylib' : 'so'}`;
  return existsSync(join(dir, lib));
}

export function resolveExecutionProvider(): EpChoice {
  // required lazily so that merely importing this file costs nothing
  const ort = require('onnxruntime-node') as typeof import('onnxruntime-node');
  return chooseExecutionProvider({
    platform: process.platform,
    backends: ort.listSupportedBackends(),
    override: executionProviderOverride(),
    providerLibExists,
  });
}

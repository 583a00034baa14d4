// `evenlight info [--json]`: version, execution provider, RAW decoder, model status, pixel kernels.
import type { Command } from 'commander';
import { defaultModelDir, errorMessage, findManifest, getModel, packageVersion, rawDecoderInfo, resolveExecutionProvider, simdStatus } from '../../engine';

export interface InfoReport {
  version: string;
  node: string;
  platform: string;
  executionProvider: { chosen: string; reason: string; used: string | null };
  decoder: ReturnType<typeof rawDecoderInfo>;
  model: { dir: string; loaded: boolean; name?: string; version?: string; hasContext?: boolean; error?: string };
  defaultMode: 'ai' | 'classic';
  /** the WebAssembly SIMD kernels for 8-bit photos that load, and those that do not */
  simd: ReturnType<typeof simdStatus>;
}

export async function collectInfo(modelDir = defaultModelDir()): Promise<InfoReport> {
  const ep = resolveExecutionProvider();
  const model: InfoReport['model'] = { dir: modelDir, loaded: false };
  let used: string | null = null;
  if (findManifest(modelDir)) {
    try {
      const s = await getModel(modelDir);
      Object.assign(model, { loaded: true, name: s.manifest.name, version: s.manifest.version, hasContext: s.hasContext });
      used = s.provider;
    } catch (err) {
      model.error = errorMessage(err);
    }
  } else {
    model.error = 'no manifest.json (classic mode only)';
  }
  return {
    version: packageVersion(),
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
    executionProvider: { chosen: ep.provider, reason: ep.reason, used },
    decoder: rawDecoderInfo(),
    model,
    defaultMode: model.loaded ? 'ai' : 'classic',
    simd: simdStatus(),
  };
}

export function register(program: Command): void {
  program
    .command('info')
    .description('show version, ONNX execution provider, RAW decoder and model status')
    .option('--model-dir <dir>', 'model folder with manifest.json (default: the shipped models/)')
    .option('--json', 'print one JSON object')
    .action(async (opts: { json?: boolean; modelDir?: string }) => {
      const r = await collectInfo(opts.modelDir);
      if (opts.json) {
        process.stdout.write(JSON.stringify(r) + '\n');
        return;
      }
      const lines = [
        `evenlight ${r.version} (node ${r.node}, ${r.platform})`,
        `execution provider: ${r.executionProvider.used ?? r.executionProvider.chosen} (${r.executionProvider.reason})`,
        `raw decoder: ${r.decoder ? `${r.decoder.name} ${r.decoder.version} at ${r.decoder.path} (${r.decoder.source}; ${r.decoder.reason})` : 'none found (RAW files cannot be read)'}`,
        `model: ${r.model.loaded ? `${r.model.name}@${r.model.version} from ${r.model.dir}` : `not loaded — ${r.model.error}`}`,
        `default mode: ${r.defaultMode}`,
        `pixel kernels: ${r.simd.missing.length ? `JavaScript for ${r.simd.missing.join(', ')} (WebAssembly SIMD not available: run npm run build)` : 'WebAssembly SIMD for 8-bit photos'}`,
      ];
      process.stdout.write(lines.join('\n') + '\n');
    });
}

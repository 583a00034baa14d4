// `evenlight normalize <in> -o <out> [--mode ai|classic] [--strength S] [--shadow-colour C] [--roi x,y,w,h]...
//   [--format jpeg|png|tiff16] [--quality Q] [--optimize-jpeg] [--json]`: normalise one photo.
// Exit codes: 0 written, 1 the file failed, 2 usage error. Also exports the option
// parsers that `batch` shares.
import { existsSync, statSync } from 'node:fs';
import { basename, extname, join } from 'node:path';
import { InvalidArgumentError, type Command } from 'commander';
import { errorMessage, normalizeFile, outputFormatFor, type Rect } from '../../engine';
import { JPEG_DEFAULTS, JPEG_OPTIMIZE_TRADE, listChoices, MODES, oneOf, OUTPUT_EXTENSIONS, OUTPUT_FORMATS, SHADOW_COLOUR_HINT, type Mode, type OutputFormat } from '../../common/formats';
import { cliMode } from '../default-mode';

// checked against the formats table, the same lists the app's contract takes
export function parseMode(v: string): Mode {
  const mode = oneOf(MODES, v);
  if (!mode) throw new InvalidArgumentError(`must be ${listChoices(MODES.map((m) => `"${m}"`))}`);
  return mode;
}

export function parseFormat(v: string): OutputFormat {
  const format = oneOf(OUTPUT_FORMATS, v);
  if (!format) throw new InvalidArgumentError(`must be ${listChoices(OUTPUT_FORMATS)}`);
  return format;
}

export function parseQuality(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1 || n > 100) throw new InvalidArgumentError('must be an integer 1..100');
  return n;
}

/** `--strength`, `--shadow-colour`: a number in 0..1 */
export function parseAmount(v: string): number {
  const n = Number(v);
  if (v.trim() === '' || !Number.isFinite(n) || n < 0 || n > 1) throw new InvalidArgumentError('must be a number 0..1');
  return n;
}

export function parseRoi(v: string, prev: Rect[] = []): Rect[] {
  const parts = v.split(',').map((s) => Number(s.trim()));
  if (parts.length !== 4 || parts.some((n) => !Number.isFinite(n)) || parts[2] <= 0 || parts[3] <= 0 || parts[0] < 0 || parts[1] < 0) {
    throw new InvalidArgumentError('must be x,y,w,h in pixels (w, h > 0)');
  }
  return [...prev, { x: parts[0], y: parts[1], w: parts[2], h: parts[3] }];
}

/** `--optimize-jpeg` (normalize and batch) */
export const OPTIMIZE_JPEG_HELP = `JPEG: ${JPEG_OPTIMIZE_TRADE}`;
/** `--strength` (normalize and batch) */
export const STRENGTH_HELP = 'blend with the original, 0..1 (default 1)';

interface NormalizeCliOptions {
  output: string;
  mode?: Mode;
  strength?: number;
  shadowColour?: number;
  roi?: Rect[];
  feather?: number;
  format?: OutputFormat;
  quality?: number;
  optimizeJpeg?: boolean;
  modelDir?: string;
  json?: boolean;
}

export function register(program: Command): void {
  program
    .command('normalize')
    .description('even out the exposure of one photo (AI model when installed, else classical auto-exposure)')
    .argument('<in>', 'input photo (JPEG, PNG, TIFF, WebP or camera RAW)')
    .requiredOption('-o, --output <out>', 'output file (or an existing folder: same base name, new extension)')
    .option('--mode <mode>', 'ai | classic (default: ai when a model is installed)', parseMode)
    .option('--strength <s>', STRENGTH_HELP, parseAmount)
    .option('--shadow-colour <c>', SHADOW_COLOUR_HINT, parseAmount)
    .option('--roi <x,y,w,h>', 'meter on this rectangle and blend the correction in there (repeatable)', parseRoi)
    .option('--feather <px>', 'ROI edge feather in pixels (default 5% of the shorter side)', (v) => {
      const n = Number(v);
      if (!Number.isFinite(n) || n < 0) throw new InvalidArgumentError('must be a number >= 0');
      return n;
    })
    .option('--format <format>', 'jpeg | png | tiff16 (default: from the output name, else the input family; PNG keeps a 16-bit source 16-bit)', parseFormat)
    .option('--quality <q>', `JPEG quality 1..100 (default ${JPEG_DEFAULTS.quality})`, parseQuality)
    .option('--optimize-jpeg', OPTIMIZE_JPEG_HELP)
    .option('--model-dir <dir>', 'model folder with manifest.json (default: the shipped models/)')
    .option('--json', 'print one JSON object')
    .action(async (input: string, opts: NormalizeCliOptions) => {
      let output = opts.output;
      if (existsSync(output) && statSync(output).isDirectory()) {
        output = join(output, basename(input, extname(input)) + OUTPUT_EXTENSIONS[outputFormatFor(input, undefined, opts.format)]);
      }
      try {
        const mode = cliMode('normalize', opts.mode, opts.modelDir);
        const r = await normalizeFile(input, output, {
          mode,
          strength: opts.strength,
          shadowColour: opts.shadowColour,
          rois: opts.roi,
          feather: opts.feather,
          format: opts.format,
          quality: opts.quality,
          optimizeJpeg: opts.optimizeJpeg,
          modelDir: opts.modelDir,
        });
        if (r.report.fallback) console.error(`evenlight normalize: warning: ${r.report.fallback}`);
        if (opts.json) {
          process.stdout.write(JSON.stringify({ status: 'done', ...r }) + '\n');
        } else {
          const how = r.report.mode === 'ai' ? `ai ${r.report.model} on ${r.report.provider}` : `classic ${(r.report.ev ?? 0) >= 0 ? '+' : ''}${(r.report.ev ?? 0).toFixed(2)} EV`;
          const ms = r.timings.decode + r.timings.normalize + r.timings.encode;
          process.stdout.write(`${input} -> ${r.output} (${r.width}x${r.height}, ${how}, ${Math.round(ms)} ms)\n`);
        }
      } catch (err) {
        const reason = errorMessage(err, input);
        if (opts.json) process.stdout.write(JSON.stringify({ status: 'failed', input, output, reason }) + '\n');
        console.error(`evenlight normalize: ${reason}`);
        process.exitCode = 1;
      }
    });
}

// `evenlight fuse <files...> -o <out> [--method mertens|debevec-reinhard] [--align]
//  [--times t1,t2,...] [--hdr out.hdr] [--json]`: fuses one exposure bracket.
import type { Command } from 'commander';
import { basename } from 'node:path';
import { errorMessage, FUSION_METHODS, fusedOutputFormat, fuseToFile, type FusionMethod, type FusionOptions } from '../../engine';
import { statusLine } from '../status-line';

/** Parses "1/250,0.01,2" into seconds; undefined when malformed. */
export function parseTimes(s: string): number[] | undefined {
  const out: number[] = [];
  for (const part of s.split(',')) {
    const m = /^\s*(\d+(?:\.\d+)?)(?:\s*\/\s*(\d+(?:\.\d+)?))?\s*$/.exec(part);
    if (!m) return undefined;
    const v = m[2] ? Number(m[1]) / Number(m[2]) : Number(m[1]);
    if (!(v > 0) || !Number.isFinite(v)) return undefined;
    out.push(v);
  }
  return out;
}

/** The engine's fusion stages (fusion.ts onProgress) as the progress line names them. */
const STAGE_NAMES: Record<string, string> = { read: 'reading', align: 'aligning', radiance: 'radiance', mertens: 'fusing', tonemap: 'tone mapping' };

interface FuseOpts {
  output: string;
  method: string;
  align?: boolean;
  times?: string;
  hdr?: string;
  json?: boolean;
  weights?: string;
}

export function register(program: Command): void {
  program
    .command('fuse')
    .description('fuse an exposure bracket into one image (Mertens exposure fusion, or Debevec radiance + Reinhard tone mapping)')
    .argument('<files...>', 'the bracket frames (any order)')
    .requiredOption('-o, --output <file>', 'output image (.jpg, .png or .tif)')
    .option('--method <method>', `${FUSION_METHODS.join(' | ')}`, 'mertens')
    .option('--align', 'align hand-held frames first (median threshold bitmaps)')
    .option('--times <list>', 'exposure times in seconds, one per file in order (e.g. 1/250,1/60,1/15); default: EXIF')
    .option('--hdr <file>', 'also write the radiance map as Radiance .hdr (needs exposure times)')
    .option('--weights <c,s,e>', 'Mertens contrast, saturation, well-exposedness weights (default 1,1,1, the paper\'s; 1,1,0 is OpenCV\'s default, 0,0.2,1 enfuse\'s)')
    .option('--json', 'print a JSON summary')
    .action(async (files: string[], opts: FuseOpts) => {
      const usage = (msg: string): void => {
        console.error(`evenlight fuse: ${msg}`);
        process.exitCode = 2;
      };
      if (!FUSION_METHODS.includes(opts.method as FusionMethod)) return usage(`unknown --method "${opts.method}" (use ${FUSION_METHODS.join(' or ')})`);
      if (files.length < 2) return usage(`needs at least 2 frames, got ${files.length}`);
      let times: number[] | undefined;
      if (opts.times !== undefined) {
        times = parseTimes(opts.times);
        if (!times) return usage(`--times must be positive numbers or fractions separated by commas, got "${opts.times}"`);
        if (times.length !== files.length) return usage(`--times has ${times.length} values for ${files.length} files`);
      }
      try {
        fusedOutputFormat(opts.output);
      } catch (err) {
        return usage(errorMessage(err));
      }
      let weights: FusionOptions['weights'];
      if (opts.weights !== undefined) {
        const w = opts.weights.split(',').map(Number);
        if (w.length !== 3 || w.some((v) => !Number.isFinite(v) || v < 0)) return usage(`--weights needs three non-negative numbers c,s,e, got "${opts.weights}"`);
        weights = { contrast: w[0] as number, saturation: w[1] as number, exposure: w[2] as number };
      }
      if (opts.hdr !== undefined && !opts.hdr.toLowerCase().endsWith('.hdr')) return usage(`--hdr file must end in .hdr, got "${opts.hdr}"`);
      // a 36 MP bracket takes a while: on a terminal, one line that says where it is
      const line = statusLine(!opts.json && process.stderr.isTTY, 24);
      const onProgress = line.enabled ? (stage: string, f: number) => line.show(`${STAGE_NAMES[stage] ?? stage} ${Math.round(f * 100)}%`) : undefined;
      try {
        const r = await fuseToFile(files, opts.output, { method: opts.method as FusionMethod, align: !!opts.align, times, hdrPath: opts.hdr, weights, onProgress });
        line.clear();
        const summary = {
          output: opts.output,
          hdr: opts.hdr ?? null,
          method: r.method,
          width: r.image.width,
          height: r.image.height,
          frames: r.frames,
        };
        if (opts.json) process.stdout.write(JSON.stringify(summary) + '\n');
        else {
          const order = r.frames.map((f) => basename(f.path) + (f.shift && (f.shift.x || f.shift.y) ? ` (shift ${f.shift.x},${f.shift.y})` : '')).join(', ');
          process.stdout.write(`${opts.output}: ${r.method} of ${r.frames.length} frames (${order}), ${r.image.width}x${r.image.height}\n`);
          if (opts.hdr) process.stdout.write(`${opts.hdr}: radiance map\n`);
        }
      } catch (err) {
        line.clear();
        console.error(`evenlight fuse: ${errorMessage(err)}`);
        process.exitCode = 1;
      }
    });
}

// `evenlight compare-fusion <files...> -o <dir> [--frame N] [--method ...] [--align]
//  [--times ...] [--json]`: AI and classic normalisation of one frame vs fusion of the bracket.
import type { Command } from 'commander';
import { basename } from 'node:path';
import { compareFusion, errorMessage, FUSION_METHODS, type FusionMethod } from '../../engine';
import { parseTimes } from './fuse';

interface Opts {
  output: string;
  frame?: string;
  method: string;
  align?: boolean;
  times?: string;
  json?: boolean;
}

export function register(program: Command): void {
  program
    .command('compare-fusion')
    .description('normalise one frame (ai and classic) and compare each with the fusion of the whole bracket: images, side-by-side, difference heatmaps, metrics.json')
    .argument('<files...>', 'the bracket frames (any order)')
    .requiredOption('-o, --output <dir>', 'output folder')
    .option('--frame <n>', 'frame to normalise, 1 = darkest (default: the middle exposure)')
    .option('--method <method>', `fusion method: ${FUSION_METHODS.join(' | ')} (mertens uses the paper's weights 1,1,1)`, 'mertens')
    .option('--align', 'align hand-held frames first')
    .option('--times <list>', 'exposure times in seconds, one per file in order; default: EXIF')
    .option('--json', 'print the result as JSON')
    .action(async (files: string[], opts: Opts) => {
      const usage = (msg: string): void => {
        console.error(`evenlight compare-fusion: ${msg}`);
        process.exitCode = 2;
      };
      if (files.length < 2) return usage(`needs at least 2 frames, got ${files.length}`);
      if (!FUSION_METHODS.includes(opts.method as FusionMethod)) return usage(`unknown --method "${opts.method}"`);
      let frame: number | undefined;
      if (opts.frame !== undefined) {
        frame = Number(opts.frame);
        if (!Number.isInteger(frame) || frame < 1 || frame > files.length) return usage(`--frame must be 1..${files.length}, got "${opts.frame}"`);
      }
      let times: number[] | undefined;
      if (opts.times !== undefined) {
        times = parseTimes(opts.times);
        if (!times || times.length !== files.length) return usage(`--times needs ${files.length} positive values, got "${opts.times}"`);
      }
      try {
        const r = await compareFusion(files, opts.output, { frame, method: opts.method as FusionMethod, align: !!opts.align, times });
        if (opts.json) process.stdout.write(JSON.stringify(r) + '\n');
        else {
          process.stdout.write(`frame ${r.frame.index} (${basename(r.frame.path)}) vs ${r.fusion.method} fusion -> ${opts.output}\n`);
          for (const o of r.outcomes) {
            if (o.error) process.stdout.write(`  ${o.mode}: failed (${o.error})\n`);
            else process.stdout.write(`  ${o.mode}: PSNR ${o.psnr === null ? 'inf' : (o.psnr as number).toFixed(2) + ' dB'}, SSIM ${(o.ssim as number).toFixed(4)}\n`);
          }
        }
        const failed = r.outcomes.filter((o) => o.error);
        for (const o of failed) console.error(`evenlight compare-fusion: ${o.error}`);
        if (failed.length) process.exitCode = 1;
      } catch (err) {
        console.error(`evenlight compare-fusion: ${errorMessage(err)}`);
        process.exitCode = 1;
      }
    });
}

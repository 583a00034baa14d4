// `evenlight eval <dataset-dir> [--frames middle|all] [--sheet out.png] [--json]`: as-shot /
// classic / ai / seed-arch against the Mertens fusion (1,1,1) of every bracket scene: PSNR,
// SSIM, colour cast, per split (models/training/split.json), middle frame and EV bucket.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';
import { defaultModelDir, errorMessage } from '../../engine';
import { ALL_METHODS, evaluateDataset, type EvalMethod } from '../../eval/evaluate';
import { SPLIT_NAMES, type SplitName } from '../../eval/scenes';
import { formatEvalTable } from '../../eval/table';
import { statusLine } from '../status-line';
import { parseAmount } from './normalize';

/** The split shipped with the training code, when there is one: eval itself takes whatever it is given. */
function defaultSplit(modelDir: string): string | undefined {
  const path = join(modelDir, 'training', 'split.json');
  return existsSync(path) ? path : undefined;
}

interface EvalCliOptions {
  frames: 'middle' | 'all';
  json?: boolean;
  maxSide: number;
  modelDir?: string;
  split?: string;
  methods?: EvalMethod[];
  tiledCheck?: boolean;
  shadowColour?: number;
  only?: string[];
  pairs?: boolean;
  splits?: SplitName[];
  sheet?: string;
  sheetRows: number;
}

function parseFrames(v: string): 'middle' | 'all' {
  if (v !== 'middle' && v !== 'all') throw new InvalidArgumentError('must be "middle" or "all"');
  return v;
}

function parseMaxSide(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 16) throw new InvalidArgumentError('must be an integer >= 16');
  return n;
}

function parseSheetRows(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1 || n > 50) throw new InvalidArgumentError('must be an integer 1..50');
  return n;
}

function parseMethods(v: string): EvalMethod[] {
  const list = v.split(',').map((s) => s.trim()).filter(Boolean);
  for (const m of list) {
    if (!(ALL_METHODS as readonly string[]).includes(m)) throw new InvalidArgumentError(`unknown method "${m}" (${ALL_METHODS.join(', ')})`);
  }
  return list as EvalMethod[];
}

function parseSplits(v: string): SplitName[] {
  const list = v.split(',').map((s) => s.trim()).filter(Boolean);
  for (const s of list) if (!(SPLIT_NAMES as readonly string[]).includes(s)) throw new InvalidArgumentError(`unknown split "${s}" (${SPLIT_NAMES.join(', ')})`);
  return list as SplitName[];
}

export function register(program: Command): void {
  program
    .command('eval')
    .description('score as-shot, classic, ai and seed-arch against the Mertens fusion (weights 1,1,1) of each bracket: PSNR, SSIM and colour cast per split, middle frame and EV bucket')
    .argument('<dataset-dir>', 'folder in the scene.json layout (e.g. the shared data folder); without any scene.json, each folder of two or more photos is a bracket (grouped by EXIF when it says, else ordered by brightness)')
    .option('--frames <which>', 'middle: the middle exposure of each bracket; all: every frame', parseFrames, 'middle')
    .option('--json', 'print the full result (every row and the summary) as JSON')
    .option('--max-side <px>', 'downscale frames so the long side is at most this (default 1024)', parseMaxSide, 1024)
    .option('--model-dir <dir>', 'model folder with manifest.json (default: the shipped models/)')
    .option('--split <file>', 'split file with train/dev/test[/heldout] lists (default: <model-dir>/training/split.json)')
    .option('--methods <list>', `comma-separated subset of ${ALL_METHODS.join(',')}`, parseMethods)
    .option('--tiled-check', 'also run ai as one whole-frame pass and report its PSNR against the tiled result')
    .option('--shadow-colour <c>', `ai's shadow colour (normalize --shadow-colour), 0..1 (default 0)`, parseAmount)
    .option('--only <ids...>', 'only scenes whose id contains one of these strings')
    .option('--pairs', 'score each bracket as the pair of its darkest and brightest frames, fused without the frames between')
    .option('--splits <names>', `only scenes of these splits (comma-separated: ${SPLIT_NAMES.join(',')})`, parseSplits)
    .option('--sheet <png>', 'also draw a contact sheet PNG: the worst and best frames by ai PSNR, input | ai | classic | fusion')
    .option('--sheet-rows <n>', 'worst and best rows each on the sheet', parseSheetRows, 4)
    .action(async (datasetDir: string, opts: EvalCliOptions) => {
      const line = statusLine(!opts.json && process.stderr.isTTY, 60);
      try {
        const r = await evaluateDataset(datasetDir, {
          frames: opts.frames,
          maxSide: opts.maxSide,
          modelDir: opts.modelDir,
          splitPath: opts.split ?? defaultSplit(opts.modelDir ?? defaultModelDir()),
          methods: opts.methods,
          tiledCheck: opts.tiledCheck,
          shadowColour: opts.shadowColour,
          only: opts.only,
          pairs: opts.pairs,
          splits: opts.splits,
          sheetPath: opts.sheet,
          sheetRows: opts.sheetRows,
          onProgress: line.enabled ? (d, t, s) => line.show(`${d}/${t} ${s}`) : undefined,
        });
        line.clear();
        if (opts.json) process.stdout.write(JSON.stringify(r) + '\n');
        else process.stdout.write(formatEvalTable(r));
        for (const f of r.failures) console.error(`evenlight eval: ${f.error}`);
        if (r.failures.length) process.exitCode = 1;
        if (!r.rows.length && !r.failures.length) {
          console.error(`evenlight eval: ${datasetDir}: no bracket to score (a bracket is a folder of two or more photos, or a scene.json; --only and --splits filter them)`);
          process.exitCode = 1;
        }
      } catch (err) {
        console.error(`evenlight eval: ${errorMessage(err)}`);
        process.exitCode = 1;
      }
    });
}

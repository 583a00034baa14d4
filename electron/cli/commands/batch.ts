// `evenlight batch <dir> -o <outdir> [--recursive] [--mode ai|classic] [--format ...]
//   [--quality Q] [--optimize-jpeg] [--strength S] [--shadow-colour C] [--concurrency N] [--skip-existing] [--json]`
// Progress: a bar with ETA on a TTY (stderr), one line per file otherwise; with --json,
// one JSON object per event on stdout. Always ends with the summary JSON on stdout
// ({ type: 'summary', done, failed, skipped, ..., results }).
// Exit codes: 0 all done (or skipped), 1 some files failed or the batch was interrupted,
// 2 usage error. Ctrl-C stops after aborting the files in flight (outputs are atomic, so
// `--skip-existing` resumes).
import { InvalidArgumentError, type Command } from 'commander';
import { errorMessage, runBatch, type BatchEvent, type BatchSummary } from '../../engine';
import { JPEG_DEFAULTS, SHADOW_COLOUR_HINT, type Mode, type OutputFormat } from '../../common/formats';
import { cliMode } from '../default-mode';
import { OPTIMIZE_JPEG_HELP, parseAmount, parseFormat, parseMode, parseQuality, STRENGTH_HELP } from './normalize';

interface BatchCliOptions {
  output: string;
  recursive?: boolean;
  mode?: Mode;
  format?: OutputFormat;
  quality?: number;
  optimizeJpeg?: boolean;
  strength?: number;
  shadowColour?: number;
  concurrency: number;
  skipExisting?: boolean;
  modelDir?: string;
  json?: boolean;
}

// Two photos in flight: the transform already uses every core, but decoding and encoding (libvips)
// leave them idle in turns. Four 36 MP JPEGs: 4.2–4.4 s with one, 3.2–3.3 s with two, peak RSS
// 511 → 711–716 MB; six RAW files take the same time either way (README, The command line).
const DEFAULT_CONCURRENCY = 2;

function parseConcurrency(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1 || n > 64) throw new InvalidArgumentError('must be an integer 1..64');
  return n;
}

const fmtMs = (ms: number | null) => (ms === null ? '?' : ms < 60_000 ? `${Math.round(ms / 1000)}s` : `${Math.floor(ms / 60_000)}m${Math.round((ms % 60_000) / 1000)}s`);

export function register(program: Command): void {
  program
    .command('batch')
    .description('normalise every photo in a folder; bad files are reported and skipped, originals never touched')
    .addHelpText('after', '\nSymbolic links to photos are followed, wherever they point (the app refuses links that leave the folders you opened).')
    .argument('<dir>', 'input folder')
    .requiredOption('-o, --output <outdir>', 'output folder (subfolders are mirrored)')
    .option('-r, --recursive', 'include subfolders')
    .option('--mode <mode>', 'ai | classic (default: ai when a model is installed)', parseMode)
    .option('--format <format>', 'jpeg | png | tiff16 (default: the input family; PNG keeps a 16-bit source 16-bit)', parseFormat)
    .option('--quality <q>', `JPEG quality 1..100 (default ${JPEG_DEFAULTS.quality})`, parseQuality)
    .option('--optimize-jpeg', OPTIMIZE_JPEG_HELP)
    .option('--strength <s>', STRENGTH_HELP, parseAmount)
    .option('--shadow-colour <c>', SHADOW_COLOUR_HINT, parseAmount)
    .option('--concurrency <n>', `photos in parallel (default ${DEFAULT_CONCURRENCY}: one is decoded or encoded while another's transform runs; 1 holds the least memory)`, parseConcurrency, DEFAULT_CONCURRENCY)
    .option('--skip-existing', 'leave outputs that already exist (resume an interrupted batch)')
    .option('--model-dir <dir>', 'model folder with manifest.json (default: the shipped models/)')
    .option('--json', 'JSON lines on stdout: one per event, then the summary')
    .action(async (dir: string, opts: BatchCliOptions) => {
      const ctl = new AbortController();
      const onSigint = () => {
        if (ctl.signal.aborted) process.exit(130);
        console.error('evenlight batch: interrupted; finishing up (Ctrl-C again to quit at once)');
        ctl.abort();
      };
      process.on('SIGINT', onSigint);
      process.on('SIGTERM', onSigint);
      const tty = !opts.json && process.stderr.isTTY;
      // the progress bar's module loaded only when one is drawn (on a terminal)
      const cliProgress = tty ? (await import('cli-progress')).default : undefined;
      const bar = cliProgress
        ? new cliProgress.SingleBar(
            { format: 'batch [{bar}] {value}/{total} | ETA {eta_text} | {file}', stream: process.stderr, hideCursor: true },
            cliProgress.Presets.shades_classic,
          )
        : undefined;
      const mode = cliMode('batch', opts.mode, opts.modelDir);
      let warned = false;
      const onEvent = (e: BatchEvent) => {
        if (e.type === 'end') return; // the summary is printed below
        if (opts.json) {
          process.stdout.write(JSON.stringify(e.type === 'file' ? { ...e, eta: fmtMs(e.etaMs) } : e) + '\n');
        }
        if (e.type === 'start') {
          bar?.start(e.total, 0, { eta_text: '?', file: '' });
          return;
        }
        const r = e.result;
        if (r.fallback && !warned) {
          warned = true;
          const msg = `evenlight batch: warning: ${r.fallback}`;
          if (bar) bar.stop();
          console.error(msg);
          if (bar) bar.start(e.total, e.finished - 1, { eta_text: '?', file: '' });
        }
        if (bar) {
          bar.update(e.finished, { eta_text: fmtMs(e.etaMs), file: r.input });
        } else if (!opts.json) {
          const what = r.status === 'failed' ? `failed: ${r.reason}` : r.status === 'skipped' ? 'skipped (exists)' : `-> ${r.output}`;
          console.error(`[${e.finished}/${e.total}] ${r.status === 'failed' ? '' : r.input + ' '}${what} (ETA ${fmtMs(e.etaMs)})`);
        }
      };
      let summary: BatchSummary;
      try {
        summary = await runBatch(dir, opts.output, {
          recursive: opts.recursive,
          mode,
          format: opts.format,
          quality: opts.quality,
          optimizeJpeg: opts.optimizeJpeg,
          strength: opts.strength,
          shadowColour: opts.shadowColour,
          concurrency: opts.concurrency,
          skipExisting: opts.skipExisting,
          modelDir: opts.modelDir,
          signal: ctl.signal,
          onEvent,
        });
      } catch (err) {
        bar?.stop();
        console.error(`evenlight batch: ${errorMessage(err, dir)}`);
        process.exitCode = 2;
        return;
      } finally {
        process.off('SIGINT', onSigint);
        process.off('SIGTERM', onSigint);
      }
      bar?.stop();
      const failed = summary.results.filter((r) => r.status === 'failed').map((r) => ({ input: r.input, reason: r.reason }));
      const skipped = summary.results.filter((r) => r.status === 'skipped').map((r) => r.input);
      const out = {
        type: 'summary',
        total: summary.total,
        done: summary.done,
        failed: summary.failed,
        skipped: summary.skipped,
        notStarted: summary.notStarted,
        cancelled: summary.cancelled,
        stopped: summary.stopped ?? null,
        elapsedMs: Math.round(summary.elapsedMs),
        mode,
        failures: failed,
        skippedFiles: skipped,
      };
      if (summary.stopped) console.error(`evenlight ${summary.stopped}`);
      process.stdout.write(JSON.stringify(out) + '\n');
      process.exitCode = summary.failed > 0 || summary.cancelled || summary.stopped ? 1 : 0;
    });
}

/**
 * Batch normalisation of a folder. Outputs keep each input's base name (new extension)
 * and subfolder under the output folder. A bad file never stops the batch: it is reported
 * as failed with a one-line reason. Originals are never written to (outputs that would
 * land on an input are refused), every output is written atomically, so after a crash or
 * a kill `skipExisting` resumes exactly where it stopped.
 *
 *   runBatch(inputDir, outputDir, opts) -> Promise<BatchSummary>
 *     opts: NormalizeFileOptions + { recursive, concurrency (default 1), skipExisting,
 *           signal, onEvent(BatchEvent) }
 *   events: { type: 'start', total } | { type: 'file', result, finished, total, elapsedMs, etaMs }
 *           | { type: 'end', summary }
 * Cancelling (signal) stops new files at once and aborts the ones in flight; their
 * results are 'failed' with reason 'cancelled' and summary.cancelled is true.
 */
import { existsSync } from 'node:fs';
import { mkdir, readdir, realpath, stat, unlink } from 'node:fs/promises';
import { basename, dirname, extname, join, relative, resolve, sep } from 'node:path';
import { EvenlightError, errorMessage, isCancelled } from './errors';
import { isInside } from './path-inside';
import { suffixed, withWritePolicy, type WritePolicy } from './atomic-write';
import { normalizeFile, outputFormatFor, type NormalizeFileOptions } from './pipeline';
import type { NormalizeReport } from './normalize';
import { listPhotoFiles } from './photo-files';
import { OUTPUT_EXTENSIONS } from '../common/formats';

export type BatchStatus = 'done' | 'failed' | 'skipped';

export interface BatchFileResult {
  input: string;
  output: string;
  status: BatchStatus;
  reason?: string;
  ms?: number;
  mode?: NormalizeReport['mode'];
  fallback?: string;
}

export interface BatchSummary {
  inputDir: string;
  outputDir: string;
  total: number;
  done: number;
  failed: number;
  skipped: number;
  /** files never started because the batch was cancelled or stopped */
  notStarted: number;
  cancelled: boolean;
  /** why the batch stopped early by itself (disk full, read-only), one line naming the file */
  stopped?: string;
  elapsedMs: number;
  results: BatchFileResult[];
}

export type BatchEvent =
  | { type: 'start'; total: number }
  | { type: 'file'; result: BatchFileResult; finished: number; total: number; elapsedMs: number; etaMs: number | null }
  | { type: 'end'; summary: BatchSummary };

export interface BatchOptions extends Omit<NormalizeFileOptions, 'onTile'> {
  /**
   * Real paths of the folders every input must resolve into (the app: the folders the user
   * opened). A symlink leading elsewhere is refused and never read. Unset (the CLI, run by
   * the user on their own files): links are followed.
   */
  confineTo?: string[];
  /** Applied to every output write (the app: never replace a file, stay in the opened folders). */
  writePolicy?: WritePolicy;
  recursive?: boolean;
  concurrency?: number;
  skipExisting?: boolean;
  onEvent?: (e: BatchEvent) => void;
}

/**
 * The file to read for `input` under `confineTo`: its real path, resolved right before the
 * read, or a one-line refusal when it leads out of those folders.
 */
async function confinedInput(input: string, confineTo: string[] | undefined): Promise<string> {
  if (!confineTo) return input;
  let real: string;
  try {
    real = await realpath(input);
  } catch (err) {
    throw new EvenlightError('NOT_FOUND', input, `cannot resolve: ${(err as NodeJS.ErrnoException).code ?? 'error'}`);
  }
  if (!confineTo.some((root) => isInside(root, real))) throw new EvenlightError('INVALID_ARGUMENT', input, 'a link that leads outside the opened folders; not read');
  return real;
}

/** Errors after which every further output would fail too: stop instead of decoding on. */
function outputDeviceFailed(err: unknown): boolean {
  for (let e = err as { code?: unknown; cause?: unknown } | undefined, depth = 0; e && depth < 4; e = e.cause as typeof e, depth++) {
    if (e.code === 'ENOSPC' || e.code === 'EROFS' || e.code === 'EDQUOT') return true;
  }
  return false;
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Removes temp files that a killed run left behind (atomic-write.ts names them
 * `.<name>.<pid>.<8 hex>.tmp`); only those whose writer process is gone.
 */
export async function removeStaleTemps(dir: string): Promise<number> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return 0;
  }
  let n = 0;
  for (const name of names) {
    const m = /^\..+\.(\d+)\.[0-9a-f]{8}\.tmp$/.exec(name);
    if (m && !pidAlive(Number(m[1]))) {
      await unlink(join(dir, name)).catch(() => undefined);
      n++;
    }
  }
  return n;
}

export async function runBatch(inputDir: string, outputDir: string, opts: BatchOptions = {}): Promise<BatchSummary> {
  const t0 = performance.now();
  let st;
  try {
    st = await stat(inputDir);
  } catch {
    throw new EvenlightError('NOT_FOUND', inputDir, 'input folder not found');
  }
  if (!st.isDirectory()) throw new EvenlightError('INVALID_ARGUMENT', inputDir, 'input is not a folder');
  const inAbs = resolve(inputDir);
  const outAbs = resolve(outputDir);
  // an output folder inside the input folder must not be walked into (we would re-process our outputs)
  const files = (await listPhotoFiles(inputDir, { recursive: opts.recursive, exclude: outAbs.startsWith(inAbs + sep) ? outAbs : undefined })).map((f) => f.path);
  const total = files.length;
  const concurrency = Math.max(1, Math.floor(opts.concurrency ?? 1));
  opts.onEvent?.({ type: 'start', total });

  // Plan outputs up front so that name collisions are found deterministically.
  const claimed = new Map<string, string>();
  // another photo of the batch (IMG_1.jpg next to IMG_1.CR2 -> IMG_1.jpg) is an original
  // too: an output landing on it takes a suffix instead (compared case-blind, as on macOS
  // and Windows disks)
  const originals = new Set(files.map((f) => resolve(f).toLowerCase()));
  const plan = files.map((input) => {
    const format = outputFormatFor(input, undefined, opts.format);
    const rel = relative(inAbs, resolve(input));
    let output = join(outAbs, dirname(rel), basename(rel, extname(rel)) + OUTPUT_EXTENSIONS[format]);
    let conflict: string | undefined;
    if (resolve(output) === resolve(input)) conflict = 'output would overwrite the original; choose another output folder';
    else {
      for (let n = 1; originals.has(resolve(output).toLowerCase()); n++) output = suffixed(join(outAbs, dirname(rel), basename(rel, extname(rel)) + OUTPUT_EXTENSIONS[format]), n);
      if (claimed.has(output)) conflict = `output ${output} already comes from ${claimed.get(output)}; rename one of them`;
      else claimed.set(output, input);
    }
    return { input, output, format, conflict };
  });

  for (const d of new Set(plan.map((p) => dirname(p.output)))) await removeStaleTemps(d);

  const results: BatchFileResult[] = new Array(total);
  let next = 0;
  let finished = 0;
  let workDone = 0; // files actually processed (for the ETA: skipped ones take no time)
  let workMs = 0;

  const report = (i: number, r: BatchFileResult) => {
    results[i] = r;
    finished++;
    if (r.status !== 'skipped') {
      workDone++;
      workMs += r.ms ?? 0;
    }
    const elapsedMs = performance.now() - t0;
    const remaining = total - finished;
    const etaMs = remaining === 0 ? 0 : workDone ? (workMs / workDone) * remaining / concurrency : null;
    opts.onEvent?.({ type: 'file', result: r, finished, total, elapsedMs, etaMs });
  };

  let stopped: string | undefined;
  const worker = async () => {
    while (next < total && !opts.signal?.aborted && !stopped) {
      const i = next++;
      const { input, output, format, conflict } = plan[i];
      if (conflict) {
        report(i, { input, output, status: 'failed', reason: `${input}: ${conflict}` });
        continue;
      }
      if (opts.skipExisting && existsSync(output)) {
        report(i, { input, output, status: 'skipped', reason: 'output exists' });
        continue;
      }
      const s = performance.now();
      try {
        const source = await confinedInput(input, opts.confineTo);
        await mkdir(dirname(output), { recursive: true });
        const { result: r, written } = await withWritePolicy(opts.writePolicy ?? {}, () => normalizeFile(source, output, { ...opts, format }));
        report(i, { input, output: written[0] ?? output, status: 'done', ms: performance.now() - s, mode: r.report.mode, fallback: r.report.fallback });
      } catch (err) {
        const reason = isCancelled(err) || opts.signal?.aborted ? `${input}: cancelled` : errorMessage(err, input);
        if (!stopped && outputDeviceFailed(err)) stopped = `batch stopped: ${reason}`;
        report(i, { input, output, status: 'failed', reason, ms: performance.now() - s });
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, Math.max(1, total)) }, worker));

  const listed = results.filter(Boolean);
  const summary: BatchSummary = {
    inputDir,
    outputDir,
    total,
    done: listed.filter((r) => r.status === 'done').length,
    failed: listed.filter((r) => r.status === 'failed').length,
    skipped: listed.filter((r) => r.status === 'skipped').length,
    notStarted: total - listed.length,
    cancelled: !!opts.signal?.aborted,
    ...(stopped ? { stopped } : {}),
    elapsedMs: performance.now() - t0,
    results: listed,
  };
  opts.onEvent?.({ type: 'end', summary });
  return summary;
}

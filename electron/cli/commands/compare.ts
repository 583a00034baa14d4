// `evenlight compare <a> <b> [--json]`: PSNR and SSIM of two images (8-bit sRGB).
import type { Command } from 'commander';
import { errorMessage, psnr, readImage, sizeMismatch, ssim } from '../../engine';

export interface CompareResult {
  a: string;
  b: string;
  width: number;
  height: number;
  /** dB; null when the images are identical (infinite PSNR) */
  psnr: number | null;
  ssim: number;
  identical: boolean;
}

export async function compareFiles(aPath: string, bPath: string): Promise<CompareResult> {
  const { image: a } = await readImage(aPath);
  const { image: b } = await readImage(bPath);
  if (a.width !== b.width || a.height !== b.height) {
    throw sizeMismatch(bPath, b, aPath, a);
  }
  const p = psnr(a, b);
  return { a: aPath, b: bPath, width: a.width, height: a.height, psnr: Number.isFinite(p) ? p : null, ssim: ssim(a, b), identical: !Number.isFinite(p) };
}

export function register(program: Command): void {
  program
    .command('compare')
    .description('print PSNR and SSIM (8-bit sRGB, Gaussian 11x11 window, per-channel mean) of two same-size images')
    .argument('<a>', 'first image')
    .argument('<b>', 'second image')
    .option('--json', 'print one JSON object')
    .action(async (aPath: string, bPath: string, opts: { json?: boolean }) => {
      try {
        const r = await compareFiles(aPath, bPath);
        if (opts.json) process.stdout.write(JSON.stringify(r) + '\n');
        else process.stdout.write(`PSNR: ${r.psnr === null ? 'inf (identical)' : r.psnr.toFixed(2) + ' dB'}\nSSIM: ${r.ssim.toFixed(4)}\n`);
      } catch (err) {
        console.error(`evenlight compare: ${errorMessage(err)}`);
        process.exitCode = 1;
      }
    });
}

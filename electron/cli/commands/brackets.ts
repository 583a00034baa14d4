// `evenlight brackets <dir> [--json]`: groups the photos of a folder into exposure brackets.
import type { Command } from 'commander';
import { basename } from 'node:path';
import { errorMessage, scanBracketDir, type FrameInfo } from '../../engine';

function describe(f: FrameInfo): string {
  const t = f.exposureTime === undefined ? '' : f.exposureTime >= 1 ? `${f.exposureTime} s` : `1/${Math.round(1 / f.exposureTime)} s`;
  const b = f.exposureBias === undefined ? '' : `${f.exposureBias >= 0 ? '+' : ''}${f.exposureBias.toFixed(1)} EV`;
  return [basename(f.path), t, b].filter(Boolean).join('  ');
}

export function register(program: Command): void {
  program
    .command('brackets')
    .description('group the photos in a folder into exposure brackets (EXIF capture time, exposure, camera, size)')
    .argument('<dir>', 'folder of photos')
    .option('--json', 'print one JSON object')
    .option('--max-gap <seconds>', 'largest pause between the end of one shot and the next', '2')
    .action(async (dir: string, opts: { json?: boolean; maxGap: string }) => {
      const maxGapSeconds = Number(opts.maxGap);
      if (!(maxGapSeconds >= 0)) {
        console.error(`evenlight brackets: --max-gap must be a number of seconds >= 0, got "${opts.maxGap}"`);
        process.exitCode = 2;
        return;
      }
      try {
        const scan = await scanBracketDir(dir, { maxGapSeconds });
        if (opts.json) {
          process.stdout.write(JSON.stringify(scan, null, 2) + '\n');
        } else {
          if (!scan.brackets.length) process.stdout.write('no brackets found\n');
          scan.brackets.forEach((b, i) => {
            const span = b.evSpan === undefined ? '' : `, ${b.evSpan.toFixed(1)} EV span`;
            process.stdout.write(`bracket ${i + 1}: ${b.frames.length} frames, ${b.camera}${b.width ? `, ${b.width}x${b.height}` : ''}${span}\n`);
            for (const f of b.frames) process.stdout.write(`  ${describe(f)}\n`);
          });
          for (const s of scan.singles) process.stdout.write(`single: ${basename(s.path)} (${s.reason})\n`);
        }
        for (const f of scan.failed) console.error(`evenlight brackets: ${f.error}`);
        if (scan.failed.length) process.exitCode = 1;
      } catch (err) {
        console.error(`evenlight brackets: ${errorMessage(err, dir)}`);
        process.exitCode = 1;
      }
    });
}

// Where an exported photo goes: `<outDir>/<name>.<ext>`, never onto the original.
import { basename, dirname, extname, join } from 'node:path';
import { OUTPUT_EXTENSIONS, type OutputFormat } from '../common/formats';
import { EvenlightError } from '../common/errors';

export function defaultOutDir(photoFolder: string): string {
  return join(photoFolder, 'evenlight');
}

export function outputPathFor(input: string, outDir: string, format: OutputFormat): string {
  const out = join(outDir, basename(input, extname(input)) + OUTPUT_EXTENSIONS[format]);
  if (out === input || (dirname(out) === dirname(input) && basename(out).toLowerCase() === basename(input).toLowerCase())) {
    throw new EvenlightError('BAD_REQUEST', input, 'the output would overwrite the original; choose another output folder');
  }
  return out;
}

// Where an exported photo goes: `<outDir>/<name>.<ext>`, never onto the original.
import { basename, dirname, extname, join } from 'node:path';
import type { OutputFormat } from '../contract';
import { ipcFailure } from '../failure';

const EXT: Record<OutputFormat, string> = { jpeg: '.jpg', png: '.png', tiff16: '.tif' };

export function defaultOutDir(photoFolder: string): string {
  return join(photoFolder, 'evenlight');
}

export function outputPathFor(input: string, outDir: string, format: OutputFormat): string {
  const out = join(outDir, basename(input, extname(input)) + EXT[format]);
  if (out === input || (dirname(out) === dirname(input) && basename(out).toLowerCase() === basename(input).toLowerCase())) {
    throw ipcFailure('BAD_REQUEST', `${input}: the output would overwrite the original; choose another output folder`);
  }
  return out;
}

// Entry point of the `evenlight` command line. Each command lives in its own file
// under ./commands and registers itself on the program.
import { Command } from 'commander';
import { packageVersion } from '../engine';

const program = new Command();
program
  .name('evenlight')
  .description('Evens out under- and over-exposed photos (AI or classical), fuses brackets, compares results.')
  .version(packageVersion())
  .exitOverride((err) => {
    // commander's own usage errors exit 2, as documented for every command
    process.exit(err.exitCode === 0 ? 0 : 2);
  });

// --- commands (one file each) ---
import { register as registerNormalize } from './commands/normalize';
registerNormalize(program);
import { register as registerBatch } from './commands/batch';
registerBatch(program);
import { register as registerInfo } from './commands/info';
registerInfo(program);
import { register as registerEval } from './commands/eval';
registerEval(program);
import { register as registerCompare } from './commands/compare';
registerCompare(program);
import { register as registerBrackets } from './commands/brackets';
registerBrackets(program);
import { register as registerFuse } from './commands/fuse';
registerFuse(program);
import { register as registerCompareFusion } from './commands/compare-fusion';
registerCompareFusion(program);
import { register as registerServe } from './commands/serve';
registerServe(program);

program.parseAsync(process.argv).catch((err: unknown) => {
  console.error(`evenlight: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(2);
});

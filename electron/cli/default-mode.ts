// The mode of `normalize` and `batch` when --mode is not given: ai whenever the model's
// manifest loads, otherwise classic, and then the user is told why on stderr, as the
// README promises. (The engine's defaultMode picks silently; saying so is the CLI's job.)
import { defaultMode, defaultModelDir, errorMessage, readManifest } from '../engine';
import type { Mode } from '../common/formats';

export function cliMode(command: string, explicit: Mode | undefined, modelDir?: string): Mode {
  if (explicit) return explicit;
  const dir = modelDir ?? defaultModelDir();
  const mode = defaultMode(dir);
  if (mode === 'classic') {
    let why = `${dir}: no usable model`;
    try {
      readManifest(dir);
    } catch (err) {
      why = errorMessage(err, dir);
    }
    console.error(`evenlight ${command}: warning: ${why}; using classic`);
  }
  return mode;
}

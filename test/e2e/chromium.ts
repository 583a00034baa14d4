// Where the browser tests find Chromium: the file test/preflight.mjs (the first step of
// `npm test`, and so of .ci/run) checks for and installs Debian's package to.
// test/e2e/chromium.test.ts keeps the two the same.
import { existsSync } from 'node:fs';

export const CHROMIUM_PATH = '/usr/bin/chromium';
export const CHROMIUM_HINT = `apt-get install chromium, as test/preflight.mjs does`;

export function findChromium(): string | null {
  return existsSync(CHROMIUM_PATH) ? CHROMIUM_PATH : null;
}

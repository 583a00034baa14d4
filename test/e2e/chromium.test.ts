// The browser tests and the preflight of `npm test` (.ci/run) must look for Chromium in the
// same place, or CI installs a browser that the e2e suite never finds, and it skips.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { repoRoot } from '../helpers/paths';
import { CHROMIUM_PATH, findChromium } from './chromium';

interface Requirement {
  pkg: string;
  file?: string;
  command?: string;
  python?: string;
}
interface Preflight {
  REQUIREMENTS: Requirement[];
  missingPackages(reqs: Requirement[]): string[];
}

test('the e2e suite looks for Chromium where the preflight installs it', async () => {
  const preflight = (await import(pathToFileURL(join(repoRoot, 'test', 'preflight.mjs')).href)) as Preflight;
  const req = preflight.REQUIREMENTS.find((r) => r.pkg === 'chromium');
  assert.ok(req, 'the preflight installs chromium');
  assert.equal(req.file, CHROMIUM_PATH);
  // and both agree on whether it is there now
  assert.equal(preflight.missingPackages([req]).length === 0, findChromium() !== null);
});

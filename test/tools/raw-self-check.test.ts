import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { checkRawDecoder } from '../../tools/raw-self-check';
import { resolveDecoder } from '../../electron/engine/raw/dcraw';
import { tmpDir } from '../helpers/paths';

const dir = tmpDir('evenlight-selfcheck-');
after(() => rmSync(dir, { recursive: true, force: true }));

test('the installed decoder passes the synthetic-DNG self-check', async () => {
  const r = await checkRawDecoder();
  assert.equal(r.ok, true, r.detail);
  assert.match(r.detail, /grey 0\.400 decoded as 0\.4\d\d\/0\.4\d\d\/0\.4\d\d|grey 0\.400 decoded as 0\.39\d/);
});

test('a decoder that rescales the output fails the self-check', async () => {
  // A wrapper adding -b 2 (twice as bright) to the real decoder: it runs fine, values are wrong.
  const real = resolveDecoder()!;
  const wrapper = join(dir, real.name);
  const env = real.libDir ? `LD_LIBRARY_PATH=${JSON.stringify(real.libDir)} ` : '';
  writeFileSync(wrapper, `#!/bin/sh\n${env}exec ${JSON.stringify(real.path)} -b 2 "$@"\n`);
  chmodSync(wrapper, 0o755);
  const r = await checkRawDecoder({ name: real.name, path: wrapper, source: 'explicit' });
  assert.equal(r.ok, false);
  assert.match(r.detail, /wrong result/);
});

test('a decoder that is not there fails with a one-line reason', async () => {
  const r = await checkRawDecoder(join(dir, 'missing-dcraw'));
  assert.equal(r.ok, false);
  assert.match(r.detail, /RAW decoder not found/);
  assert.ok(!r.detail.includes('\n'));
});

// Atomic writes under a write policy: never replacing a file (suffix instead), staying in
// the allowed folders, refusing a symlinked output folder; real files in a temp folder.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, readdirSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { suffixed, withWritePolicy, writeFileAtomic } from '../../electron/engine/atomic-write';
import { tmpDir } from '../helpers/paths';

test('suffixed names: IMG_1.jpg, IMG_1-1.jpg, IMG_1-2.jpg', () => {
  assert.equal(suffixed('/a/IMG_1.jpg', 0), '/a/IMG_1.jpg');
  assert.equal(suffixed('/a/IMG_1.jpg', 2), '/a/IMG_1-2.jpg');
});

test('noClobber: an existing file is never replaced; the output takes a suffix', async () => {
  const dir = realpathSync(tmpDir('evenlight-atomic-'));
  try {
    const target = join(dir, 'IMG_1.jpg');
    writeFileSync(target, 'original');
    const first = await withWritePolicy({ noClobber: true }, () => writeFileAtomic(target, Buffer.from('one')));
    const second = await withWritePolicy({ noClobber: true }, () => writeFileAtomic(target, Buffer.from('two')));
    assert.deepEqual(first.written, [join(dir, 'IMG_1-1.jpg')]);
    assert.deepEqual(second.written, [join(dir, 'IMG_1-2.jpg')]);
    assert.equal(readFileSync(target, 'utf8'), 'original');
    assert.equal(readFileSync(join(dir, 'IMG_1-2.jpg'), 'utf8'), 'two');
    assert.deepEqual(readdirSync(dir).sort(), ['IMG_1-1.jpg', 'IMG_1-2.jpg', 'IMG_1.jpg'], 'no temp file left');
    // without the policy the old behaviour stays (the CLI's explicit -o)
    await writeFileAtomic(target, Buffer.from('replaced'));
    assert.equal(readFileSync(target, 'utf8'), 'replaced');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('confineTo: a symlinked output folder, or one outside the allowed folders, is refused and nothing is written', async () => {
  const root = realpathSync(tmpDir('evenlight-atomic-'));
  try {
    const granted = join(root, 'granted');
    const elsewhere = join(root, 'elsewhere');
    mkdirSync(granted);
    mkdirSync(elsewhere);
    symlinkSync(elsewhere, join(granted, 'out'));
    await assert.rejects(
      withWritePolicy({ confineTo: [granted] }, () => writeFileAtomic(join(granted, 'out', 'a.jpg'), Buffer.from('x'))),
      (e: Error & { code: string }) => e.code === 'OUTPUT_UNWRITABLE' && /symbolic link/.test(e.message),
    );
    await assert.rejects(
      withWritePolicy({ confineTo: [granted] }, () => writeFileAtomic(join(elsewhere, 'a.jpg'), Buffer.from('x'))),
      /outside the folders you opened/,
    );
    assert.deepEqual(readdirSync(elsewhere), []);
    const ok = await withWritePolicy({ confineTo: [granted] }, () => writeFileAtomic(join(granted, 'a.jpg'), Buffer.from('x')));
    assert.deepEqual(ok.written, [join(granted, 'a.jpg')]);
    assert.ok(existsSync(join(granted, 'a.jpg')));
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

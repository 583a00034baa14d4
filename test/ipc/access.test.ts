import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createFolderAccess } from '../../electron/ipc/access';
import { tmpDir } from '../helpers/paths';

function layout() {
  const root = tmpDir('evenlight-access-');
  const opened = join(root, 'opened');
  const secret = join(root, 'secret');
  mkdirSync(opened);
  mkdirSync(secret);
  writeFileSync(join(opened, 'a.jpg'), 'x');
  writeFileSync(join(secret, 'b.jpg'), 'x');
  symlinkSync(join(secret, 'b.jpg'), join(opened, 'link.jpg'));
  symlinkSync(secret, join(opened, 'linkdir'));
  return { root, opened, secret };
}

test('nothing is accessible before a folder is opened', async () => {
  const { root, opened } = layout();
  try {
    await assert.rejects(createFolderAccess().check(join(opened, 'a.jpg')), { code: 'ACCESS_DENIED' });
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('files in an opened folder pass; .. and symlink escapes are refused', async () => {
  const { root, opened, secret } = layout();
  try {
    const access = createFolderAccess();
    await access.grant(opened);
    assert.match(await access.check(join(opened, 'a.jpg')), /a\.jpg$/);
    await assert.rejects(access.check(join(opened, '..', 'secret', 'b.jpg')), { code: 'ACCESS_DENIED' });
    await assert.rejects(access.check(join(opened, 'link.jpg')), { code: 'ACCESS_DENIED' });
    await assert.rejects(access.check(join(opened, 'linkdir', 'b.jpg')), { code: 'ACCESS_DENIED' });
    await assert.rejects(access.check(join(secret, 'b.jpg')), { code: 'ACCESS_DENIED' });
    await assert.rejects(access.check('relative/a.jpg'), { code: 'ACCESS_DENIED' });
    await assert.rejects(access.check(join(opened, 'missing.jpg')), { code: 'NOT_FOUND' });
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('checkWritable allows new paths inside an opened folder only', async () => {
  const { root, opened } = layout();
  try {
    const access = createFolderAccess();
    await access.grant(opened);
    assert.match(await access.checkWritable(join(opened, 'new', 'deeper')), /opened\/new\/deeper$/);
    await assert.rejects(access.checkWritable(join(opened, 'new', '..', '..', 'elsewhere')), { code: 'ACCESS_DENIED' });
    await assert.rejects(access.checkWritable(join(opened, 'linkdir', 'out')), { code: 'ACCESS_DENIED' });
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('grant refuses files and missing folders', async () => {
  const { root, opened } = layout();
  try {
    const access = createFolderAccess();
    await assert.rejects(access.grant(join(opened, 'a.jpg')), { code: 'ACCESS_DENIED' });
    await assert.rejects(access.grant(join(root, 'nope')), { code: 'NOT_FOUND' });
    assert.deepEqual(access.roots(), []);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('outside the opened folders, a missing path and an existing one get the same answer', async () => {
  const { root, opened, secret } = layout();
  try {
    symlinkSync(join(secret, 'gone'), join(opened, 'dangling'));
    const access = createFolderAccess();
    await access.grant(opened);
    const answer = async (p: string) => {
      const err = await access.check(p).then(
        () => null,
        (e: Error & { code: string }) => e,
      );
      assert.ok(err, `${p} was allowed`);
      return { code: err.code, message: err.message.replace(p, '<path>') };
    };
    const existing = await answer(join(secret, 'b.jpg'));
    assert.equal(existing.code, 'ACCESS_DENIED');
    for (const p of [
      join(secret, 'missing.jpg'),
      join(root, 'no-such-dir', 'x.jpg'),
      '/etc/passwd',
      '/etc/no-such-file-evenlight',
      join(opened, 'linkdir', 'missing.jpg'), // through a link that leaves the folder
      join(opened, 'dangling'), // a link whose target does not exist
      join(opened, 'dangling', 'x.jpg'),
    ]) {
      assert.deepEqual(await answer(p), existing, p);
    }
    // inside an opened folder, "not found" is still said plainly
    await assert.rejects(access.check(join(opened, 'missing.jpg')), { code: 'NOT_FOUND' });
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('grant refuses the root of the disk', async () => {
  await assert.rejects(createFolderAccess().grant('/'), { code: 'ACCESS_DENIED' });
});

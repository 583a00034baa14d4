// The app:// scheme of the desktop window: the renderer folder, nothing else.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { APP_ORIGIN, appFileFor } from '../../electron/ipc/app-protocol';
import { mimeTypeOf } from '../../electron/common/formats';

const dir = '/opt/evenlight/renderer';

test('app://evenlight/ maps onto the renderer folder', () => {
  assert.equal(appFileFor(`${APP_ORIGIN}/`, dir), join(dir, 'index.html'));
  assert.equal(appFileFor(`${APP_ORIGIN}/index.html`, dir), join(dir, 'index.html'));
  assert.equal(appFileFor(`${APP_ORIGIN}/assets/app-1234.js?x=1`, dir), join(dir, 'assets', 'app-1234.js'));
  assert.equal(mimeTypeOf('a.js'), 'text/javascript; charset=utf-8');
});

test('nothing outside it: traversal, encoded traversal, other hosts and schemes', () => {
  for (const url of [
    `${APP_ORIGIN}/../../etc/passwd`,
    `${APP_ORIGIN}/%2e%2e/%2e%2e/etc/passwd`,
    `${APP_ORIGIN}/assets/..%2f..%2f..%2fetc%2fpasswd`,
    `${APP_ORIGIN}/%00`,
    `${APP_ORIGIN}/%zz`,
    'app://other/index.html',
    'file:///etc/passwd',
    'not a url',
  ]) {
    const file = appFileFor(url, dir);
    assert.ok(file === null || file.startsWith(dir + '/'), `${url} -> ${file}`);
  }
  assert.equal(appFileFor('app://other/index.html', dir), null);
  assert.equal(appFileFor('file:///etc/passwd', dir), null);
  // the URL parser already folds dot segments: what is left stays inside the folder
  assert.equal(appFileFor(`${APP_ORIGIN}/%2e%2e/%2e%2e/etc/passwd`, dir), join(dir, 'etc', 'passwd'));
});

/**
 * The desktop window loads the renderer from `app://evenlight/…` rather than `file://`:
 * a file:// page is same-origin with every local file and can fetch any of them; an
 * app:// page is its own origin, and this mapping serves files from the built renderer
 * folder only. Plain Node (no electron import), so main.ts stays thin and this is tested.
 */
import { resolve } from 'node:path';
import { isInside } from '../engine';

export const APP_SCHEME = 'app';
export const APP_ORIGIN = `${APP_SCHEME}://evenlight`;

/** The renderer file an app:// URL names, or null when it names anything else. */
export function appFileFor(url: string, rendererDir: string): string | null {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return null;
  }
  if (u.protocol !== `${APP_SCHEME}:` || u.host !== 'evenlight') return null;
  let rel: string;
  try {
    rel = decodeURIComponent(u.pathname);
  } catch {
    return null;
  }
  if (rel.includes('\0')) return null;
  if (rel === '/' || rel === '') rel = '/index.html';
  const root = resolve(rendererDir);
  const file = resolve(root, '.' + rel);
  return file !== root && isInside(root, file) ? file : null;
}

// Whether a path lies inside a folder (or is the folder): the one containment test behind
// the app's folder access, confined batch inputs and writes, and serving the renderer.
import { isAbsolute, relative, sep } from 'node:path';

export function isInside(root: string, target: string): boolean {
  const rel = relative(root, target);
  return rel === '' || (!rel.startsWith('..' + sep) && rel !== '..' && !isAbsolute(rel));
}

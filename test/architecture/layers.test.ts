// Layering rules in the spirit of VS Code's: each layer may import only the layers
// beneath it. The test reads every import specifier in the source tree and fails on
// any import that reaches where its layer must not.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';

const root = resolve(__dirname, '..', '..');

function walk(dir: string, exts: string[]): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name === 'dist') continue;
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...walk(p, exts));
    else if (exts.some((e) => name.endsWith(e))) out.push(p);
  }
  return out;
}

function importsOf(file: string): string[] {
  const src = readFileSync(file, 'utf8');
  const specs: string[] = [];
  const re = /(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|import\s*\(\s*['"]([^'"]+)['"]\s*\)|require\(\s*['"]([^'"]+)['"]\s*\)|import\s+['"]([^'"]+)['"]/g;
  for (const m of src.matchAll(re)) specs.push((m[1] ?? m[2] ?? m[3] ?? m[4]) as string);
  return specs;
}

/** Which top-level layer a repo-relative path belongs to. */
function layerOf(rel: string): string {
  const parts = rel.split(sep);
  if (parts[0] === 'electron') {
    if (parts[1] === 'main.ts' || parts[1] === 'preload.ts') return 'electron-shell';
    return `electron/${parts[1]}`;
  }
  return parts[0] ?? '';
}

// layer -> layers it may import (besides itself and packages)
const allowed: Record<string, string[]> = {
  'electron/engine': [],
  'electron/ipc': ['electron/engine'],
  'electron/cli': ['electron/engine', 'electron/serve', 'electron/ipc'],
  'electron/serve': ['electron/ipc', 'electron/engine'],
  'electron-shell': ['electron/ipc', 'electron/engine'],
  renderer: ['electron/ipc'],
  bench: ['electron/engine', 'electron/ipc'],
};

// packages a layer must never import
const forbiddenPackages: Record<string, RegExp> = {
  'electron/engine': /^(electron|electron\/.*|ws|commander|cli-progress|svelte.*)$/,
  'electron/ipc': /^(sharp|onnxruntime-node|commander|cli-progress)$/,
  'electron/cli': /^electron(\/.*)?$/,
  'electron/serve': /^electron(\/.*)?$/,
  renderer: /^(electron|sharp|onnxruntime-node|exifr|ws|commander|node:.*|fs|path|child_process)$/,
  bench: /^electron(\/.*)?$/,
};

const files = [
  ...walk(join(root, 'electron'), ['.ts']),
  ...walk(join(root, 'renderer', 'src'), ['.ts', '.svelte']),
  ...walk(join(root, 'bench'), ['.ts']),
];

test('source tree has files in each layer', () => {
  assert.ok(files.some((f) => relative(root, f).startsWith(join('electron', 'engine'))));
});

test('no layer imports where it must not', () => {
  const violations: string[] = [];
  for (const file of files) {
    const rel = relative(root, file);
    const layer = layerOf(rel);
    for (const spec of importsOf(file)) {
      if (spec.startsWith('.')) {
        const target = relative(root, resolve(dirname(file), spec));
        const tLayer = layerOf(target);
        if (tLayer === layer) continue;
        // renderer's contract import is type-only data shared by every client
        if (!(allowed[layer] ?? []).includes(tLayer)) violations.push(`${rel} -> ${spec} (${layer} may not import ${tLayer})`);
      } else if (forbiddenPackages[layer]?.test(spec)) {
        violations.push(`${rel} -> ${spec} (package forbidden in ${layer})`);
      }
    }
  }
  assert.deepEqual(violations, []);
});

test('the layering check itself catches an engine file importing electron', () => {
  assert.equal(forbiddenPackages['electron/engine']?.test('electron'), true);
  assert.equal(layerOf(join('electron', 'engine', 'tiles.ts')), 'electron/engine');
  assert.equal((allowed['electron/engine'] ?? []).includes('electron/ipc'), false);
});

// The house of docs/ARCHITECTURE.md, enforced in the spirit of VS Code's layers and its
// environment axis: each layer may import only the layers its arrows point to, only
// common/ runs everywhere (so it imports no Node), only the Electron shell imports
// electron, everything outside the engine enters it through its front door (index.ts),
// and no import cycle exists anywhere. The test reads every import specifier in the
// source tree; the last tests prove the checks catch what they are meant to.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
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

/** Every module a source imports, type-only imports included: a type cycle is still a cycle to a reader. */
function importsOf(src: string): string[] {
  const specs: string[] = [];
  const re = /(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|import\s*\(\s*['"]([^'"]+)['"]\s*\)|require\(\s*['"]([^'"]+)['"]\s*\)|import\s+['"]([^'"]+)['"]/g;
  for (const m of src.matchAll(re)) specs.push((m[1] ?? m[2] ?? m[3] ?? m[4]) as string);
  return specs;
}

/** The file a relative specifier names (.ts, .svelte or a folder's index.ts), or null. */
function resolveSpec(from: string, spec: string): string | null {
  const base = resolve(dirname(from), spec);
  for (const c of [base, `${base}.ts`, `${base}.svelte`, join(base, 'index.ts')]) if (existsSync(c) && statSync(c).isFile()) return c;
  return null;
}

/** Which layer a repo-relative path belongs to. */
function layerOf(rel: string): string {
  const parts = rel.split(sep);
  if (parts[0] === 'electron') {
    if (parts[1] === 'main.ts' || parts[1] === 'preload.ts') return 'electron-shell';
    return `electron/${parts[1]}`;
  }
  return parts[0] ?? '';
}

// the arrows of docs/ARCHITECTURE.md: layer -> layers it may import (besides itself and packages)
const allowed: Record<string, string[]> = {
  'electron/common': [],
  'electron/engine': ['electron/common'],
  'electron/eval': ['electron/engine', 'electron/common'],
  'electron/jobs': ['electron/engine', 'electron/common'],
  'electron/ipc': ['electron/jobs', 'electron/engine', 'electron/common'],
  'electron/serve': ['electron/ipc', 'electron/engine', 'electron/common'],
  'electron/cli': ['electron/serve', 'electron/eval', 'electron/engine', 'electron/common'],
  'electron-shell': ['electron/ipc', 'electron/engine', 'electron/common'],
  renderer: ['electron/common'],
  bench: ['electron/jobs', 'electron/engine', 'electron/common', 'tools'],
  tools: ['electron/engine', 'electron/common'],
};

const NODE = /^(node:.*|fs|fs\/promises|path|os|child_process|worker_threads|crypto|http|https|net|stream|url|util|events|zlib|buffer|async_hooks)$/;

// packages a layer must never import (electron itself: see the next test)
const forbiddenPackages: Record<string, RegExp> = {
  // runs in the renderer too: no Node, nothing but zod
  'electron/common': /^(?!zod$).*/,
  'electron/engine': /^(ws|commander|cli-progress|svelte.*)$/,
  'electron/jobs': /^(sharp|onnxruntime-node|ws|commander|cli-progress)$/,
  'electron/ipc': /^(sharp|onnxruntime-node|commander|cli-progress)$/,
  'electron/cli': /^(sharp|onnxruntime-node)$/,
  renderer: new RegExp(`^(sharp|onnxruntime-node|exifr|ws|commander)$|${NODE.source}`),
};

const files = [
  ...walk(join(root, 'electron'), ['.ts']),
  ...walk(join(root, 'renderer', 'src'), ['.ts', '.svelte']),
  ...walk(join(root, 'bench'), ['.ts']),
  ...walk(join(root, 'tools'), ['.ts']),
];
const sources = new Map(files.map((f) => [f, readFileSync(f, 'utf8')]));
const engineDoor = join(root, 'electron', 'engine', 'index.ts');

/** Everything wrong with one file's imports. */
function violationsOf(file: string, src: string): string[] {
  const rel = relative(root, file);
  const layer = layerOf(rel);
  const out: string[] = [];
  for (const spec of importsOf(src)) {
    if (spec.startsWith('.')) {
      const target = resolveSpec(file, spec) ?? resolve(dirname(file), spec);
      const tLayer = layerOf(relative(root, target));
      if (tLayer === layer) continue;
      if (!(allowed[layer] ?? []).includes(tLayer)) out.push(`${rel} -> ${spec} (${layer} may not import ${tLayer})`);
      else if (tLayer === 'electron/engine' && target !== engineDoor) out.push(`${rel} -> ${spec} (the engine is entered through electron/engine/index.ts)`);
    } else if (/^electron(\/.*)?$/.test(spec) && layer !== 'electron-shell') {
      out.push(`${rel} -> ${spec} (only electron/main.ts and electron/preload.ts import electron)`);
    } else if (forbiddenPackages[layer]?.test(spec)) {
      out.push(`${rel} -> ${spec} (package forbidden in ${layer})`);
    }
  }
  return out;
}

/** Import cycles among the source files (strongly connected components, Tarjan). */
function cyclesOf(graph: Map<string, string[]>): string[][] {
  let next = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const cycles: string[][] = [];
  const visit = (v: string): void => {
    index.set(v, next);
    low.set(v, next++);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) !== index.get(v)) return;
    const scc: string[] = [];
    let w: string;
    do {
      w = stack.pop()!;
      onStack.delete(w);
      scc.push(w);
    } while (w !== v);
    if (scc.length > 1 || graph.get(v)?.includes(v)) cycles.push(scc);
  };
  for (const v of graph.keys()) if (!index.has(v)) visit(v);
  return cycles;
}

function importGraph(): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const [file, src] of sources) {
    const deps = importsOf(src)
      .filter((s) => s.startsWith('.'))
      .map((s) => resolveSpec(file, s))
      .filter((t): t is string => t !== null);
    graph.set(relative(root, file), deps.map((d) => relative(root, d)));
  }
  return graph;
}

test('source tree has files in each layer', () => {
  const layers = new Set(files.map((f) => layerOf(relative(root, f))));
  for (const l of Object.keys(allowed)) assert.ok(layers.has(l), `no files in ${l}`);
});

test('no layer imports where its arrows do not point; outer layers enter the engine by its front door', () => {
  const violations = [...sources].flatMap(([file, src]) => violationsOf(file, src));
  assert.deepEqual(violations, []);
});

test('no import cycle anywhere', () => {
  assert.deepEqual(
    cyclesOf(importGraph()).map((c) => c.join(' -> ')),
    [],
  );
});

test('the checks catch what they are meant to', () => {
  const at = (rel: string) => join(root, rel);
  // common/ may not reach for Node, the engine may not skip the front door from outside
  assert.match(violationsOf(at('electron/common/x.ts'), "import { readFile } from 'node:fs';").join(), /package forbidden in electron\/common/);
  assert.match(violationsOf(at('electron/cli/x.ts'), "import { readImage } from '../engine/image/io';").join(), /front door|index\.ts/);
  assert.deepEqual(violationsOf(at('electron/cli/x.ts'), "import { readImage } from '../engine';"), []);
  // electron only in the shell; the renderer only common/; the engine never up the arrows
  assert.match(violationsOf(at('electron/ipc/x.ts'), "import { app } from 'electron';").join(), /only electron\/main\.ts/);
  assert.deepEqual(violationsOf(at('electron/main.ts'), "import { app } from 'electron';"), []);
  assert.match(violationsOf(at('renderer/src/x.ts'), "import type { Context } from '../../electron/ipc/context';").join(), /renderer may not import electron\/ipc/);
  assert.match(violationsOf(at('electron/engine/x.ts'), "import { runEngineJob } from '../jobs/engine-host';").join(), /may not import electron\/jobs/);
  // a cycle of two files, and one of a file with itself
  const g = new Map([
    ['a', ['b']],
    ['b', ['a']],
    ['c', ['c']],
    ['d', ['a']],
  ]);
  assert.deepEqual(cyclesOf(g).map((c) => c.sort().join()), ['a,b', 'c']);
});

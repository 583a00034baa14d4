#!/usr/bin/env node
// npm run build:wasm: every AssemblyScript kernel in electron/engine/*/wasm/ (normalize's and
// metrics') to dist/wasm/<name>.wasm (SIMD on, assertions off: the loaders lay out memory and
// check sizes).
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import asc from 'assemblyscript/asc';

const root = fileURLToPath(new URL('..', import.meta.url));
const engine = join(root, 'electron', 'engine');
const kernels = readdirSync(engine, { withFileTypes: true })
  .filter((d) => d.isDirectory() && existsSync(join(engine, d.name, 'wasm')))
  .flatMap((d) => readdirSync(join(engine, d.name, 'wasm')).filter((f) => f.endsWith('.ts')).map((f) => ({ dir: join(engine, d.name, 'wasm'), file: f })))
  .sort((x, y) => x.file.localeCompare(y.file));
for (const { dir, file } of kernels) {
  const out = join(root, 'dist', 'wasm', file.replace(/\.ts$/, '.wasm'));
  const { error, stderr } = await asc.main([join(dir, file), '-o', out, '-O3', '--noAssert', '--runtime', 'stub', '--enable', 'simd']);
  if (error) {
    console.error(`build-wasm: ${file}: ${error.message}\n${stderr.toString()}`);
    process.exit(1);
  }
  console.log(`build-wasm: ${join('dist', 'wasm', file.replace(/\.ts$/, '.wasm'))}`);
}

#!/usr/bin/env node
// npm run build:wasm: every AssemblyScript kernel in electron/engine/normalize/wasm/ to
// dist/wasm/<name>.wasm (SIMD on, assertions off: the loaders lay out memory and check sizes).
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import asc from 'assemblyscript/asc';

const root = fileURLToPath(new URL('..', import.meta.url));
const dir = join(root, 'electron', 'engine', 'normalize', 'wasm');
for (const file of readdirSync(dir).filter((f) => f.endsWith('.ts')).sort()) {
  const out = join(root, 'dist', 'wasm', file.replace(/\.ts$/, '.wasm'));
  const { error, stderr } = await asc.main([join(dir, file), '-o', out, '-O3', '--noAssert', '--runtime', 'stub', '--enable', 'simd']);
  if (error) {
    console.error(`build-wasm: ${file}: ${error.message}\n${stderr.toString()}`);
    process.exit(1);
  }
  console.log(`build-wasm: ${join('dist', 'wasm', file.replace(/\.ts$/, '.wasm'))}`);
}

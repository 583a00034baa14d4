// `npm run bench`: runs every bench/*.bench.ts module and prints one JSON document
// (also written to bench/results/latest.json). Each module exports
// `run(): Promise<Record<string, unknown>>`.
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cpus, totalmem } from 'node:os';

async function main(): Promise<void> {
  const only = process.argv.slice(2);
  const dir = __dirname;
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.bench.ts'))
    .filter((f) => !only.length || only.some((o) => f.includes(o)))
    .sort();
  const results: Record<string, unknown> = {};
  for (const f of files) {
    const mod = (await import(join(dir, f))) as { run: () => Promise<Record<string, unknown>> };
    process.stderr.write(`bench: ${f}\n`);
    results[f.replace(/\.bench\.ts$/, '')] = await mod.run();
  }
  const doc = {
    date: new Date().toISOString(),
    node: process.version,
    cpu: cpus()[0]?.model ?? 'unknown',
    cores: cpus().length,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    results,
  };
  mkdirSync(join(dir, 'results'), { recursive: true });
  writeFileSync(join(dir, 'results', 'latest.json'), JSON.stringify(doc, null, 2));
  process.stdout.write(JSON.stringify(doc, null, 2) + '\n');
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});

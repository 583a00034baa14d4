/**
 * `models/manifest.json`: which ONNX files make up the shipped model and how they are
 * called (see "Model I/O contract" in docs/ARCHITECTURE.md). Validated with zod so a
 * broken manifest fails with one line naming the file and the field.
 *
 * {
 *   "name": "evenlight-net", "version": "1.0.0",
 *   "transform": { "file": "t.onnx", "size": 224, "grid": [14, 14], "knots": [0, …, 1] },
 *                 // v2: thumb [1,3,224,224] -> curves [1,K,GH,GW] + color [1,6|10] (normalize/curve-apply.ts)
 *   "tile":    { "file": "tile.onnx", "size": 224 },     // v1 (seed baseline): tile [N,3,H,W] (+ context [N,K]) -> output
 *   "context": { "file": "context.onnx", "dim": 16 },    // optional with tile: thumb [1,3,224,224] -> context [1,K]
 *   ...any other keys (metrics, training info) are kept and ignored
 * }
 * Input/output names default to the contract's (thumb, context, tile, output) and may be
 * overridden per graph with "inputs"/"output". A bare string is accepted for "tile" and
 * "context" as shorthand for { "file": ... }.
 *
 * Exports: manifestSchema(), ModelManifest, readManifest(dir), findManifest(dir) (the default folder: settings.ts)
 */
import { existsSync, readFileSync } from 'node:fs';
import { isAbsolute, join, normalize } from 'node:path';
import type { z as Zod } from 'zod';
import { EvenlightError } from '../errors';

/** The schema, written against the zod it is given. */
function schemaWith(z: typeof Zod) {
  const fileName = z
    .string()
    .min(1)
    .refine((f) => !isAbsolute(f) && !normalize(f).startsWith('..'), 'must be a file inside the model folder');

  const tileGraph = z.preprocess(
    (v) => (typeof v === 'string' ? { file: v } : v),
    z.looseObject({
      file: fileName,
      size: z.number().int().min(8).max(4096).default(224),
      overlap: z.number().int().min(0).optional(),
      inputs: z.object({ tile: z.string().default('tile'), context: z.string().default('context') }).default({ tile: 'tile', context: 'context' }),
      output: z.string().default('output'),
    }),
  );

  const contextGraph = z.preprocess(
    (v) => (typeof v === 'string' ? { file: v } : v),
    z.looseObject({
      file: fileName,
      dim: z.number().int().min(1).max(65536).optional(),
      size: z.number().int().min(8).max(4096).default(224),
      input: z.string().default('thumb'),
      output: z.string().default('context'),
    }),
  );

  /**
   * v2: one graph from the thumbnail to a transform the engine applies itself
   * (normalize/curve-apply.ts): curves [1,K,GH,GW] at `knots`, colour [1,6] or [1,10].
   */
  const transformGraph = z.looseObject({
    file: fileName,
    size: z.number().int().min(8).max(4096).default(224),
    input: z.string().default('thumb'),
    outputs: z.object({ curves: z.string().default('curves'), color: z.string().default('color') }).default({ curves: 'curves', color: 'color' }),
    grid: z.tuple([z.number().int().min(1).max(256), z.number().int().min(1).max(256)]),
    knots: z
      .array(z.number())
      .min(2)
      .max(256)
      .refine((k) => k[0] === 0 && k[k.length - 1] === 1 && k.every((v, i) => i === 0 || v > k[i - 1]), 'knots must rise from 0 to 1'),
  });

  return z
    .looseObject({
      name: z.string().min(1),
      version: z.string().min(1).default('0'),
      tile: tileGraph.optional(),
      context: contextGraph.nullish(),
      transform: transformGraph.optional(),
    })
    .refine((m) => !!m.tile !== !!m.transform, 'a model has either "transform" (v2) or "tile" (v1)');
}

type ManifestSchema = ReturnType<typeof schemaWith>;
export type ModelManifest = Zod.infer<ManifestSchema>;

let schema: ManifestSchema | undefined;

/**
 * The manifest's schema, zod loaded and the schema built on first use: the two cost every
 * command line run 60-100 ms at its start, and fuse, compare and brackets read no manifest.
 */
export function manifestSchema(): ManifestSchema {
  return (schema ??= schemaWith((require('zod') as typeof import('zod')).z));
}

/** The manifest path when `dir` has one, else undefined (no throw: "no model" is a normal state). */
export function findManifest(dir: string): string | undefined {
  const p = join(dir, 'manifest.json');
  return existsSync(p) ? p : undefined;
}

export function readManifest(dir: string): ModelManifest {
  const path = join(dir, 'manifest.json');
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new EvenlightError('NOT_FOUND', path, 'no model manifest here');
    throw new EvenlightError('UNSUPPORTED', path, `manifest is not valid JSON: ${(err as Error).message}`);
  }
  const parsed = manifestSchema().safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new EvenlightError('UNSUPPORTED', path, `invalid manifest: ${issue.path.join('.') || '(root)'}: ${issue.message}`);
  }
  for (const f of [parsed.data.tile?.file, parsed.data.context?.file, parsed.data.transform?.file]) {
    if (f && !existsSync(join(dir, f))) throw new EvenlightError('NOT_FOUND', join(dir, f), 'model file listed in manifest.json is missing');
  }
  return parsed.data;
}

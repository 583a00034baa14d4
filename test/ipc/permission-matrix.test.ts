// Permission matrix: for every command of the IPC contract and every path-carrying field of
// its request, the router with the real handlers refuses a path outside the opened folders
// (absolute, through `..`, through a symlink), names it, writes nothing outside, and starts
// no job. The fields are read from the contract's zod schemas, so a new command, or a new
// string field, without a row here fails the suite. Each row is also run once with inside
// paths and must succeed, so a denial is due to the field under test and nothing else.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readdirSync, rmSync, statSync, symlinkSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { z } from 'zod';
import { commands, type CommandName, type EventName } from '../../electron/common/contract';
import { createRouter } from '../../electron/ipc/router';
import type { Host } from '../../electron/ipc/context';
import { stopEngineHost } from '../../electron/jobs/engine-host';
import { writeImage } from '../../electron/engine/image/io';
import { tmpDir } from '../helpers/paths';
import { gradient } from '../helpers/photos';
import { waitFor } from '../helpers/wait';

// ---------- the contract's string fields ----------

/** String fields that are not paths, with why. Anything else that is a string is a path. */
const NOT_PATHS: Record<string, string> = {
  jobId: 'a job name, restricted to [A-Za-z0-9_-]{1,64} by the contract',
};

/** `field`, `field[]` (array element) or `a.b` for every string leaf of a schema. */
function stringFields(schema: z.ZodType, at = ''): string[] {
  const def = (schema as unknown as { _zod: { def: Record<string, unknown> & { type: string } } })._zod.def;
  switch (def.type) {
    case 'object':
      return Object.entries(def.shape as Record<string, z.ZodType>).flatMap(([k, v]) => stringFields(v, at ? `${at}.${k}` : k));
    case 'optional':
    case 'default':
    case 'nullable':
    case 'prefault':
      return stringFields(def.innerType as z.ZodType, at);
    case 'array':
      return stringFields(def.element as z.ZodType, `${at}[]`);
    case 'tuple':
      return (def.items as z.ZodType[]).flatMap((s) => stringFields(s, `${at}[]`));
    case 'union':
      return (def.options as z.ZodType[]).flatMap((s) => stringFields(s, at));
    case 'string':
      return [at];
    default:
      return []; // numbers, enums, literals, booleans carry no path
  }
}

function pathFields(command: CommandName): string[] {
  return [...new Set(stringFields(commands[command].request))].filter((f) => !(f.replace(/\[\]$/, '') in NOT_PATHS)).sort();
}

// ---------- files ----------

let root = '';
let photos = '';
let outside = '';

before(async () => {
  root = tmpDir('evenlight-matrix-');
  photos = join(root, 'photos');
  outside = join(root, 'outside');
  mkdirSync(photos);
  mkdirSync(outside);
  // three exposures in each folder: enough for a bracket, a batch and every single-file command
  for (const [i, gain] of [0.3, 0.6, 1].entries()) {
    await writeImage(join(photos, `f${i}.png`), gradient(96, 64, gain), { format: 'png' });
    await writeImage(join(outside, `s${i}.png`), gradient(96, 64, gain), { format: 'png' });
  }
  symlinkSync(join(outside, 's0.png'), join(photos, 'link-file.png'));
  symlinkSync(outside, join(photos, 'link-dir'));
});
after(async () => {
  await stopEngineHost();
  rmSync(root, { recursive: true, force: true });
});

/** Every entry under `dir` with size and mtime: what a refused command must leave alone. */
function snapshot(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .sort()
    .map((n) => {
      const st = statSync(join(dir, n));
      return `${n} ${st.size} ${st.mtimeMs}`;
    });
}

type Kind = 'file' | 'folder' | 'new-folder';
const inside: Record<Kind, () => string> = {
  file: () => join(photos, 'f1.png'),
  folder: () => photos,
  'new-folder': () => join(photos, 'out-new'),
};
/** Three ways out of the opened folder for each kind of path. */
const escapes: Record<Kind, Record<string, () => string>> = {
  file: {
    absolute: () => join(outside, 's1.png'),
    'dot-dot': () => `${photos}/../outside/s1.png`,
    symlink: () => join(photos, 'link-file.png'),
  },
  folder: {
    absolute: () => outside,
    'dot-dot': () => `${photos}/../outside`,
    symlink: () => join(photos, 'link-dir'),
  },
  'new-folder': {
    absolute: () => join(outside, 'out-new'),
    'dot-dot': () => `${photos}/../outside/out-new`,
    symlink: () => join(photos, 'link-dir', 'out-new'),
  },
};

function recordingHost(extra: Partial<Host> = {}) {
  const events: EventName[] = [];
  const tiles: Uint8Array[] = [];
  const revealed: string[] = [];
  const host: Host = {
    kind: 'bridge',
    version: '0.0.0',
    emit: (event) => events.push(event),
    sendTile: (f) => tiles.push(f),
    ...extra,
  };
  return { host, events, tiles, revealed };
}

interface Row {
  kind: Kind;
  /** The request with `p` in the field under test and inside paths everywhere else. */
  request(p: string): Record<string, unknown>;
  /** Electron-only behaviour (native dialog, reveal). */
  electron?: boolean;
}

let seq = 0;
const job = () => `m${++seq}`;
const frames = () => [0, 1, 2].map((i) => join(photos, `f${i}.png`));

/** One row per path field of every command. */
const ROWS: Record<string, Row> = {
  // a typed path is the bridge's way to open a folder; Electron only opens the dialog's or a dropped folder
  'openFolder.path': { kind: 'folder', electron: true, request: (p) => ({ path: p }) },
  'listPhotos.folder': { kind: 'folder', request: (p) => ({ folder: p }) },
  'listBrackets.folder': { kind: 'folder', request: (p) => ({ folder: p }) },
  'thumbnail.path': { kind: 'file', request: (p) => ({ path: p, maxSide: 32 }) },
  'photoInfo.path': { kind: 'file', request: (p) => ({ path: p }) },
  'preview.path': { kind: 'file', request: (p) => ({ jobId: job(), path: p, maxSide: 64 }) },
  'normalize.path': { kind: 'file', request: (p) => ({ jobId: job(), path: p, mode: 'classic', maxSide: 64 }) },
  'exportPhoto.path': { kind: 'file', request: (p) => ({ path: p, outDir: join(photos, 'exports'), mode: 'classic', format: 'png' }) },
  'exportPhoto.outDir': { kind: 'new-folder', request: (p) => ({ path: join(photos, 'f0.png'), outDir: p, mode: 'classic', format: 'png' }) },
  'batchStart.folder': { kind: 'folder', request: (p) => ({ jobId: job(), folder: p, outDir: join(photos, 'batch-out'), mode: 'classic', format: 'png' }) },
  'batchStart.outDir': { kind: 'new-folder', request: (p) => ({ jobId: job(), folder: photos, outDir: p, mode: 'classic', format: 'png' }) },
  'compareFusion.frames[]': {
    kind: 'file',
    // the last frame is the one that leaves the folder; the AI frame stays the middle one
    request: (p) => ({ jobId: job(), frames: [...frames().slice(0, 2), p], maxSide: 64 }),
  },
  'compareFusion.aiFrame': { kind: 'file', request: (p) => ({ jobId: job(), frames: frames(), aiFrame: p, maxSide: 64 }) },
  'revealPath.path': { kind: 'file', electron: true, request: (p) => ({ path: p }) },
};

/** Commands whose requests carry no path, with why that is right. */
const NO_PATH: Partial<Record<CommandName, string>> = {
  cancel: 'names a running job',
  batchCancel: 'names a running batch',
  hostInfo: 'asks about the host',
};

async function routerFor(row: Row) {
  const rec = recordingHost(
    row.electron
      ? {
          kind: 'electron',
          pickFolder: async () => photos,
          // only the opened folder counts as dropped: any other typed path is merely named
          takeDropped: (p: string) => p === photos,
          reveal: async (p: string) => {
            rec.revealed.push(p);
            return true;
          },
        }
      : {},
  );
  const router = createRouter(rec.host);
  const opened = await router.call('openFolder', rec.host.kind === 'electron' ? {} : { path: photos });
  assert.ok(opened.ok, JSON.stringify(opened));
  return { router, ...rec };
}

test('every command of the contract has a row for each path field, or is listed as taking none', () => {
  for (const name of Object.keys(commands) as CommandName[]) {
    const fields = pathFields(name);
    const rows = Object.keys(ROWS)
      .filter((k) => k.startsWith(`${name}.`))
      .map((k) => k.slice(name.length + 1))
      .sort();
    if (!fields.length) assert.ok(NO_PATH[name], `${name}: takes no path; list it in NO_PATH with why`);
    else assert.deepEqual(rows, fields, `${name}: one permission row per path field`);
  }
  for (const key of Object.keys(ROWS)) assert.ok(Object.hasOwn(commands, key.split('.')[0]), `${key}: no such command`);
});

for (const [key, row] of Object.entries(ROWS)) {
  const [command] = key.split('.') as [CommandName];
  for (const [how, target] of Object.entries(escapes[row.kind])) {
    test(`${key}: a path outside the opened folder (${how}) is refused`, async () => {
      const { router, events, tiles, revealed } = await routerFor(row);
      const before = snapshot(outside);
      const p = target();
      const res = await router.invoke(command, row.request(p));
      assert.ok(!res.ok, `${key} accepted ${p}: ${JSON.stringify(res)}`);
      assert.equal(res.error.code, 'ACCESS_DENIED', res.error.message);
      assert.ok(res.error.message.includes(p) || res.error.message.includes(resolve(p)), `names the refused path: ${res.error.message}`);
      assert.deepEqual(snapshot(outside), before, 'nothing written outside');
      assert.deepEqual([events.length, tiles.length, revealed.length], [0, 0, 0], 'no job ran, nothing revealed');
      assert.equal(router.context.jobs.size, 0, 'no job left registered');
    });
  }
  test(`${key}: the same request with inside paths is served (control)`, async () => {
    const { router, events } = await routerFor(row);
    const req = row.request(inside[row.kind]());
    const res = await router.invoke(command, req);
    assert.ok(res.ok, `${key}: ${JSON.stringify(res)}`);
    if (command === 'batchStart') await waitFor(() => events.includes('batchDone'), 'the control batch to end');
    if (typeof req.outDir === 'string') rmSync(req.outDir, { recursive: true, force: true });
    rmSync(join(photos, 'evenlight'), { recursive: true, force: true });
  });
}

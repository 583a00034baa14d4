#!/usr/bin/env node
// First step of `npm test` (and so of .ci/run): the Debian reference tools the tests compare
// against. Root on Debian installs what is missing; anywhere else it stops before anything
// runs, naming the missing packages and the one command that installs them, instead of a
// wall of failing tests.
import { spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const PYTHON = '/usr/bin/python3'; // the tests call Debian's interpreter by this path

/** Debian package -> what the tests use from it. */
export const REQUIREMENTS = [
  { pkg: 'python3-opencv', python: 'cv2' },
  { pkg: 'python3-torch', python: 'torch' },
  { pkg: 'python3-onnx', python: 'onnx' },
  { pkg: 'python3-matplotlib', python: 'matplotlib' },
  { pkg: 'chromium', file: '/usr/bin/chromium' },
  { pkg: 'libraw-bin', command: 'dcraw_emu' },
  { pkg: 'dcraw', command: 'dcraw' },
  // the peers npm run bench times Evenlight against, in the same run
  { pkg: 'rawtherapee', command: 'rawtherapee-cli' },
  { pkg: 'enfuse', command: 'enfuse' },
];

function onPath(name, pathEnv = process.env.PATH ?? '') {
  return pathEnv
    .split(delimiter)
    .filter(Boolean)
    .some((d) => {
      try {
        return statSync(join(d, name)).isFile();
      } catch {
        return false;
      }
    });
}

/** Packages in `reqs` whose tool is not there. One python run checks every module. */
export function missingPackages(reqs = REQUIREMENTS) {
  const modules = reqs.filter((r) => r.python).map((r) => r.python);
  let absentModules = new Set(modules);
  if (modules.length && existsSync(PYTHON)) {
    // find_spec locates a module without importing it (torch takes seconds to import)
    const py = 'import importlib.util,sys\nfor m in sys.argv[1:]:\n  if importlib.util.find_spec(m) is None: print(m)';
    const r = spawnSync(PYTHON, ['-c', py, ...modules], { encoding: 'utf8' });
    if (r.status === 0) absentModules = new Set(r.stdout.split('\n').filter(Boolean));
  }
  return reqs
    .filter((r) => (r.python ? absentModules.has(r.python) : r.file ? !existsSync(r.file) : !onPath(r.command)))
    .map((r) => r.pkg);
}

/** What to do about `missing`: nothing, install (root on Debian), or stop with a command. */
export function plan(missing, { root, debian }) {
  if (!missing.length) return { action: 'ok' };
  const install = `apt-get install -y ${missing.join(' ')}`;
  if (root && debian) return { action: 'install', command: install };
  const why = !debian ? 'this is not a Debian system with apt-get' : 'installing needs root';
  return {
    action: 'stop',
    message: [
      `npm test: missing Debian package(s): ${missing.join(' ')}`,
      `  (${why}; nothing was run)`,
      `  install them with: sudo apt-get update && sudo ${install}`,
      `  then run npm test again`,
    ].join('\n'),
  };
}

function isDebian() {
  return existsSync('/etc/debian_version') && onPath('apt-get');
}

function apt(args) {
  const r = spawnSync('apt-get', args, { stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  return r.status === 0 ? null : (r.stderr || r.error?.message || `exit ${r.status}`).trim().split('\n').slice(-3).join('\n');
}

function main() {
  const missing = missingPackages(REQUIREMENTS.concat(extraRequirements()));
  const p = plan(missing, { root: process.getuid?.() === 0, debian: isDebian() });
  if (p.action === 'ok') return 0;
  if (p.action === 'stop') {
    console.error(p.message);
    return 1;
  }
  console.log(`npm test: installing ${missing.join(' ')} (apt-get)`);
  const err = apt(['update', '-qq']) ?? apt(['install', '-y', '-qq', ...missing]);
  const still = missingPackages(REQUIREMENTS.filter((r) => missing.includes(r.pkg)).concat(extraRequirements()));
  if (err || still.length) {
    console.error(`npm test: could not install ${(still.length ? still : missing).join(' ')}${err ? `:\n${err}` : ''}`);
    console.error(`  install them with: apt-get update && apt-get install -y ${(still.length ? still : missing).join(' ')}`);
    return 1;
  }
  return 0;
}

/** EVENLIGHT_PREFLIGHT_EXTRA="pkg:command,…": more requirements (test/preflight.test.ts). */
function extraRequirements() {
  return (process.env.EVENLIGHT_PREFLIGHT_EXTRA ?? '')
    .split(',')
    .filter(Boolean)
    .map((s) => {
      const [pkg, command] = s.split(':');
      return { pkg, command: command ?? pkg };
    });
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) process.exit(main());

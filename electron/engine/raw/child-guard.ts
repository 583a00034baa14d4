/**
 * Limits for decoder child processes: a time limit that grows with the file (a decoder
 * that never exits must not hang a batch forever) and a child that dies with its parent
 * (a SIGKILLed Evenlight must not leave decoders running).
 *
 * Dying with the parent: on Linux the child is started through util-linux `setpriv
 * --pdeathsig KILL`, which sets PR_SET_PDEATHSIG and then execs the decoder, so the
 * decoder itself is the direct child (kill() reaches it) and the kernel kills it when
 * the thread that started it goes away. On Windows libuv puts children in a job object
 * closed with the parent. Elsewhere (macOS) there is no such hook; the time limit still
 * ends a stuck decoder.
 */
import { existsSync, statSync } from 'node:fs';
import { decoderTimeout } from '../settings';

const SETPRIV = ['/usr/bin/setpriv', '/bin/setpriv'].find((p) => process.platform === 'linux' && existsSync(p));

/** Command and arguments that run `path args` as a child that dies with this process. */
export function guardedCommand(path: string, args: string[]): { command: string; args: string[]; guarded: boolean } {
  if (SETPRIV) return { command: SETPRIV, args: ['--pdeathsig', 'KILL', '--', path, ...args], guarded: true };
  return { command: path, args, guarded: process.platform === 'win32' };
}

/**
 * How long a decoder may run on `file`: a base for start-up plus time per MiB (a 24 MP
 * raw of ~30 MiB decodes in ~2.5 s on a slow 2-core machine; the limit leaves > 10×).
 * EVENLIGHT_DECODER_TIMEOUT_BASE_MS / _PER_MIB_MS override it (tests, very slow disks).
 */
export function decoderTimeoutMs(file: string): number {
  const { baseMs: base, perMibMs: perMiB } = decoderTimeout();
  let bytes = 0;
  try {
    bytes = statSync(file).size;
  } catch {
    // unreadable: the decoder will say so quickly; the base limit applies
  }
  return Math.round(base + (perMiB * bytes) / (1024 * 1024));
}

// Starts test/helpers/bridge-child.ts as a child process and talks to it.
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

export interface BridgeProcess {
  port: number;
  token: string;
  child: ChildProcess;
  /** stderr so far (an unhandled error would show here) */
  stderr(): string;
  memory(): Promise<{ heapUsed: number; rss: number; external: number }>;
  stop(): Promise<void>;
}

export async function startBridgeProcess(rendererDir: string): Promise<BridgeProcess> {
  const child = spawn(process.execPath, ['--expose-gc', '--import', 'tsx', join(__dirname, 'bridge-child.ts'), rendererDir], { stdio: ['pipe', 'pipe', 'pipe'] });
  let err = '';
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const lines = createInterface({ input: child.stdout! });
  const queue: ((line: string) => void)[] = [];
  lines.on('line', (l) => queue.shift()?.(l));
  const next = () =>
    new Promise<string>((resolve, reject) => {
      queue.push(resolve);
      child.once('exit', (code) => reject(new Error(`bridge exited (${code}): ${err}`)));
    });
  const first = JSON.parse(await next()) as { port: number; token: string };
  return {
    ...first,
    child,
    stderr: () => err,
    async memory() {
      const p = next();
      child.stdin!.write('mem\n');
      return JSON.parse(await p) as { heapUsed: number; rss: number; external: number };
    },
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

// Runs the bridge (from source) in its own process, so a test can see whether a client
// crashed it: prints `{"port","token"}` once listening; on stdin "mem\n" it answers its
// heap and RSS after a full GC (the process runs with --expose-gc).
import { startBridge } from '../../electron/serve/server';

void startBridge({ rendererDir: process.argv[2], version: 'child' }).then((b) => {
  process.stdout.write(JSON.stringify({ port: b.port, token: b.token }) + '\n');
  process.stdin.setEncoding('utf8');
  process.stdin.on('data', (text: string) => {
    if (!text.includes('mem')) return;
    (globalThis as { gc?: () => void }).gc?.();
    const m = process.memoryUsage();
    process.stdout.write(JSON.stringify({ heapUsed: m.heapUsed, rss: m.rss, external: m.external }) + '\n');
  });
});

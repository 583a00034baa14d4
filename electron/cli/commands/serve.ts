// `evenlight serve`: the app in a browser, over the 127.0.0.1 bridge.
import type { Command } from 'commander';
import { packageVersion } from '../../engine';

export function register(program: Command): void {
  program
    .command('serve')
    .description('serve the app to a local browser (127.0.0.1 only, per-run token in the URL)')
    .option('-p, --port <port>', 'TCP port (0 = any free port)', '0')
    .action(async (opts: { port: string }) => {
      const port = Number(opts.port);
      if (!Number.isInteger(port) || port < 0 || port > 65535) {
        console.error(`evenlight serve: --port ${opts.port}: not a port number (0-65535)`);
        process.exit(2);
      }
      const version = packageVersion();
      // loaded here, not with the command line: the bridge's WebSocket server and the contract's
      // schemas are for this command alone
      const { startBridge } = require('../../serve/server') as typeof import('../../serve/server');
      let bridge;
      try {
        bridge = await startBridge({ port, version });
      } catch (err) {
        console.error(`evenlight serve: ${err instanceof Error ? err.message : String(err)}`);
        process.exit(1);
      }
      console.log(`Evenlight is running at ${bridge.url}`);
      console.log('Open that address in a browser on this machine; Ctrl+C stops it.');
      const stop = () => {
        void bridge.close().then(() => process.exit(0));
      };
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
}

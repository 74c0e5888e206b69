// A child process for gracefulShutdown.e2e.test.ts: `node packages/test-support/dist/gracefulServer.js`. Serves the
// wallet app on a free port with listenWithGracefulShutdown, prints `listening on <url>`, and `closed`
// from its onClose.
import { listenWithGracefulShutdown } from '@janus/service';
import { walletApp } from './walletApp.js';

const wallet = await walletApp();
const running = await listenWithGracefulShutdown(wallet.app, {
  port: 0,
  onClose: async () => {
    await wallet.runner.stop();
    process.stdout.write('closed\n');
  },
});
process.stdout.write(`listening on ${running.url}\n`);

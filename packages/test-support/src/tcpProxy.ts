// A TCP proxy between the tests' stores and the database server, to break connections at chosen points
// of the protocol (not at chosen moments): counting connections, refusing them, and cutting one right
// where the server answers.
import net from 'node:net';

export interface TcpProxy {
  /** `url` with the proxy's host and port in place of the server's. */
  readonly url: string;
  /** Connections made through it so far. */
  connections(): number;
  /** While down, every new connection is closed at once and the open ones are cut. */
  setDown(down: boolean): void;
  /**
   * Cuts a connection, both ways, at the first bytes the server sends it from now on, before they
   * reach the client: the server did the work, the client never hears of it. `upstreamPort` picks the
   * connection (pg_stat_activity's `client_port` of its server process); `afterClientSends` waits
   * until the client sent these bytes first (e.g. 'COMMIT'); `thenDown` puts the proxy down at the same
   * moment, before the client can try again. Once only.
   */
  cutAtNextAnswer(options: {
    readonly upstreamPort?: number;
    readonly afterClientSends?: string;
    readonly thenDown?: boolean;
  }): void;
  /** Resolves once the armed cut happened. */
  cut(): Promise<void>;
  close(): Promise<void>;
}

interface Pair {
  readonly client: net.Socket;
  readonly upstream: net.Socket;
  /** The client sent what the armed cut waits for. */
  primed: boolean;
}

export async function tcpProxy(url: string): Promise<TcpProxy> {
  const target = new URL(url);
  const pairs = new Set<Pair>();
  let connections = 0;
  let down = false;
  let armed:
    { upstreamPort?: number; afterClientSends?: Buffer; thenDown: boolean; done: () => void } | undefined;
  let cut: Promise<void> = Promise.resolve();
  const destroy = (pair: Pair) => {
    pair.client.destroy();
    pair.upstream.destroy();
    pairs.delete(pair);
  };
  const server = net.createServer((client) => {
    connections++;
    if (down) {
      client.destroy();
      return;
    }
    const upstream = net.connect(Number(target.port || 5432), target.hostname);
    const pair: Pair = { client, upstream, primed: false };
    pairs.add(pair);
    for (const socket of [client, upstream]) {
      socket.on('error', () => {
        destroy(pair);
      });
      socket.on('close', () => {
        destroy(pair);
      });
    }
    client.on('data', (chunk: Buffer) => {
      if (armed?.afterClientSends && chunk.includes(armed.afterClientSends)) pair.primed = true;
      upstream.write(chunk);
    });
    upstream.on('data', (chunk: Buffer) => {
      const trap = armed;
      if (
        trap &&
        (trap.upstreamPort === undefined || trap.upstreamPort === upstream.localPort) &&
        (trap.afterClientSends === undefined || pair.primed)
      ) {
        armed = undefined;
        destroy(pair);
        if (trap.thenDown) {
          down = true;
          for (const other of [...pairs]) destroy(other);
        }
        trap.done();
        return;
      }
      client.write(chunk);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const proxied = new URL(url);
  proxied.hostname = '127.0.0.1';
  proxied.port = String((server.address() as net.AddressInfo).port);
  return {
    url: proxied.toString(),
    connections: () => connections,
    setDown(value) {
      down = value;
      if (down) for (const pair of [...pairs]) destroy(pair);
    },
    cutAtNextAnswer({ upstreamPort, afterClientSends, thenDown = false }) {
      cut = new Promise((resolve) => {
        armed = {
          ...(upstreamPort === undefined ? {} : { upstreamPort }),
          ...(afterClientSends === undefined ? {} : { afterClientSends: Buffer.from(afterClientSends) }),
          thenDown,
          done: resolve,
        };
      });
    },
    cut: () => cut,
    async close() {
      for (const pair of [...pairs]) destroy(pair);
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

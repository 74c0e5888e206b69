import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

export interface OpenConnections {
  /**
   * Destroys every connection that is not handling a request received in full: idle ones, ones still
   * sending a request's head, ones still uploading a body. Answers how many it cut.
   */
  cutUnfinished(): number;
}

/**
 * Follows a server's connections and the request each one carries, so that a shutdown can cut what would
 * only hold it: a client uploading a body a byte a second would otherwise keep the server open until its
 * own time-out. A request that arrived in full is being handled: its connection stays until it is answered.
 * Nothing cut was acknowledged: a request runs only once its body has arrived.
 */
export function openConnections(server: Server): OpenConnections {
  const sockets = new Set<Socket>();
  const exchanges = new WeakMap<Socket, { request: IncomingMessage; response: ServerResponse }>();
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  server.on('request', (request: IncomingMessage, response: ServerResponse) => {
    exchanges.set(request.socket, { request, response });
  });
  return {
    cutUnfinished() {
      let cut = 0;
      for (const socket of sockets) {
        const exchange = exchanges.get(socket);
        const handling =
          exchange !== undefined && exchange.request.complete && !exchange.response.writableFinished;
        if (!handling) {
          socket.destroy();
          cut += 1;
        }
      }
      return cut;
    },
  };
}

/**
 * Draining an HTTP server on shutdown without resetting a request.
 *
 * Node's own `server.close()` (Node >= 19) destroys every keep-alive connection
 * that is idle at that instant. Under keep-alive traffic many of those are not
 * really idle: the client's next request is already on its way (in the kernel's
 * buffer, not yet read), and destroying the socket then answers it with a TCP
 * reset. Measured with 32 keep-alive clients: 14 to 17 reset requests per
 * shutdown. http-terminator and stoppable (under @godaddy/terminus) destroy
 * idle sockets the same way, and http-terminator keeps the listener open while
 * it drains; so the drain is written here, on public Node APIs:
 *
 * - the listener closes first (net.Server's close: new connections go to the
 *   other instances, idle sockets are left to the rules below);
 * - every response not yet started gets `Connection: close`, so each busy
 *   connection ends right after its current response;
 * - a connection idle for at least IDLE_QUIET_MS is closed at once; one that
 *   went idle more recently is closed when it has stayed idle that long (a
 *   request arriving meanwhile is answered, with `Connection: close`);
 * - the checks run after the event loop has read pending input (setImmediate),
 *   so a request waiting in a socket buffer is seen before its socket is closed;
 * - the drain resolves as soon as the last connection is gone; after the
 *   timeout the remaining connections are cut, and their number is returned.
 */
import net from 'node:net';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';

/** A connection quiet this long is not about to send a request; shorter gaps are given the benefit of the doubt. */
export const IDLE_QUIET_MS = 250;
const SWEEP_INTERVAL_MS = 50;

const currentResponse = Symbol('currentResponse');
const idleSince = Symbol('idleSince');

type TrackedSocket = net.Socket & { [currentResponse]?: ServerResponse; [idleSince]?: number };

export interface DrainResult {
  /** Connections still busy at the timeout and cut. */
  forcedConnections: number;
}

export interface ConnectionDrain {
  drain(timeoutMs: number): Promise<DrainResult>;
}

function markIdle(this: ServerResponse) {
  const socket = this.req.socket as TrackedSocket;
  // A pipelined request may already be in progress on the socket; only its own response makes it idle.
  if (socket[currentResponse] === this) socket[idleSince] = performance.now();
}

/** Starts tracking `server`'s connections; must be attached before the application's request listener. */
export function trackConnections(server: Server): ConnectionDrain {
  const sockets = new Set<TrackedSocket>();
  let draining = false;
  let onEmpty: (() => void) | undefined;

  server.on('connection', (socket: TrackedSocket) => {
    sockets.add(socket);
    socket[idleSince] = performance.now();
    socket.once('close', () => {
      sockets.delete(socket);
      if (sockets.size === 0) onEmpty?.();
    });
  });
  // Runs before the application sees the request, so the header is set before any handler can answer.
  server.prependListener('request', (req: IncomingMessage, res: ServerResponse) => {
    const socket = req.socket as TrackedSocket;
    socket[currentResponse] = res;
    socket[idleSince] = undefined;
    res.once('finish', markIdle);
    if (draining) res.setHeader('Connection', 'close');
  });

  const busy = (socket: TrackedSocket) => socket[idleSince] === undefined;

  /** In-flight responses not yet started end their connection; later requests get the header as they arrive. */
  function closeBusyConnectionsAfterTheirResponse() {
    for (const socket of sockets) {
      const response = socket[currentResponse];
      if (busy(socket) && response && !response.headersSent) response.setHeader('Connection', 'close');
    }
  }

  function closeQuietConnections() {
    const now = performance.now();
    for (const socket of sockets) {
      if (!busy(socket) && now - (socket[idleSince] ?? now) >= IDLE_QUIET_MS) socket.destroy();
    }
  }

  return {
    drain(timeoutMs) {
      draining = true;
      return new Promise<DrainResult>((resolve) => {
        let finished = false;
        let sweeper: NodeJS.Timeout | undefined;
        let deadline: NodeJS.Timeout | undefined;
        const finish = (forcedConnections: number) => {
          if (finished) return;
          finished = true;
          clearInterval(sweeper);
          clearTimeout(deadline);
          onEmpty = undefined;
          // http.Server's own close also stops its request-timeout timer; the listener is already closed.
          server.close(() => undefined);
          resolve({ forcedConnections });
        };
        // Stop accepting, without http.Server's immediate close of idle sockets (see above).
        if (server.listening) net.Server.prototype.close.call(server);
        onEmpty = () => finish(0);
        if (sockets.size === 0) {
          finish(0);
          return;
        }
        closeBusyConnectionsAfterTheirResponse();
        // After the poll phase: requests already in socket buffers are read before anything is closed.
        const sweepAfterInput = () => setImmediate(closeQuietConnections);
        sweepAfterInput();
        sweeper = setInterval(sweepAfterInput, SWEEP_INTERVAL_MS);
        deadline = setTimeout(() => {
          const forced = sockets.size;
          for (const socket of sockets) socket.destroy();
          finish(forced);
        }, timeoutMs);
      });
    },
  };
}

/** Starting and draining the HTTP server (port 0 in tests). */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type express from 'express';
import { answerClientErrorsInJson } from './client-errors.js';
import { trackConnections, type ConnectionDrain, type DrainResult } from './connection-drain.js';

export class PortInUseError extends Error {
  override readonly name = 'PortInUseError';
}

const drains = new WeakMap<Server, ConnectionDrain>();

export function startServer(app: express.Express, port: number, host = '0.0.0.0'): Promise<{ server: Server; address: AddressInfo }> {
  const server = createServer();
  // Connection tracking first: it must see each request before the application answers it.
  drains.set(server, trackConnections(server));
  server.on('request', app);
  answerClientErrorsInJson(server);
  return new Promise((resolve, reject) => {
    server.once('listening', () => resolve({ server, address: server.address() as AddressInfo }));
    server.once('error', (error: NodeJS.ErrnoException) => {
      reject(error.code === 'EADDRINUSE' ? new PortInUseError(`port ${port} is already in use`) : error);
    });
    server.listen(port, host);
  });
}

/**
 * Stops accepting connections, answers in-flight requests with
 * `Connection: close`, closes idle keep-alive connections, and resolves as soon
 * as every connection is gone; after `timeoutMs` the rest are cut
 * (connection-drain.ts explains the rules).
 */
export async function stopServer(server: Server, timeoutMs: number): Promise<DrainResult> {
  const drain = drains.get(server);
  if (drain) return drain.drain(timeoutMs);
  // A server not started by startServer: Node's own close, then cut what is left.
  await new Promise<void>((resolve) => {
    const timer = setTimeout(() => server.closeAllConnections(), timeoutMs);
    server.close(() => {
      clearTimeout(timer);
      resolve();
    });
  });
  return { forcedConnections: 0 };
}

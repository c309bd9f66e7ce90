/** Starting and draining the HTTP server (port 0 in tests). */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type express from 'express';

export class PortInUseError extends Error {
  override readonly name = 'PortInUseError';
}

export function startServer(app: express.Express, port: number, host = '0.0.0.0'): Promise<{ server: Server; address: AddressInfo }> {
  return new Promise((resolve, reject) => {
    const server = app.listen(port, host);
    server.once('listening', () => resolve({ server, address: server.address() as AddressInfo }));
    server.once('error', (error: NodeJS.ErrnoException) => {
      reject(error.code === 'EADDRINUSE' ? new PortInUseError(`port ${port} is already in use`) : error);
    });
  });
}

/**
 * Stops accepting connections, lets in-flight requests finish, closes idle
 * keep-alive sockets at once, and force-closes what is left after `timeoutMs`.
 */
export function stopServer(server: Server, timeoutMs: number): Promise<void> {
  return new Promise((resolve) => {
    if (!server.listening) {
      resolve();
      return;
    }
    const timer = setTimeout(() => server.closeAllConnections(), timeoutMs);
    timer.unref();
    server.close(() => {
      clearTimeout(timer);
      resolve();
    });
    server.closeIdleConnections();
  });
}

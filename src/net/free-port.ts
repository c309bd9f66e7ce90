import net from 'node:net';

/**
 * A TCP port that was free a moment ago on 127.0.0.1 (for an embedded
 * PostgreSQL or a test server). Another process may take it before the caller
 * binds it; callers use it where that race is acceptable.
 */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    // The probe server must never be what keeps the process alive.
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

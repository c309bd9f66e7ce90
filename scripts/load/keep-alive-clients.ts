/**
 * Keep-alive HTTP clients that send requests back to back and count what
 * happened to each one: answered (by status), refused (no listener: the
 * connection was never accepted) or reset (accepted, then dropped without an
 * answer: the failure a graceful shutdown or reload must never cause).
 * Used by the shutdown tests and `npm run check:reload`.
 */
import http from 'node:http';

export interface KeepAliveCounts {
  answered: number;
  /** Answers by HTTP status. */
  statuses: Record<number, number>;
  /** Answers that carried `Connection: close` (the server ending a kept-alive connection cleanly). */
  connectionClose: number;
  refused: number;
  reset: number;
  /** Failures other than refused and reset, by error code. */
  otherErrors: Record<string, number>;
}

export interface KeepAliveClientsOptions {
  baseUrl: string;
  /** Paths requested in turn by each client. */
  paths: string[];
  clients: number;
  /** Checked before every request; true ends the client. */
  stop: () => boolean;
  /** A client ends at its first refused connection (single process going away); otherwise it pauses and goes on. */
  endOnRefused?: boolean;
  /** Pause after a refused connection when the client goes on, ms. */
  refusedPauseMs?: number;
}

const RESET_CODES = new Set(['ECONNRESET', 'EPIPE', 'ECONNABORTED', 'HPE_INVALID_CONSTANT', 'HPE_INVALID_EOF_STATE']);

function emptyCounts(): KeepAliveCounts {
  return { answered: 0, statuses: {}, connectionClose: 0, refused: 0, reset: 0, otherErrors: {} };
}

type Outcome = { kind: 'answered'; status: number; connectionClose: boolean } | { kind: 'refused' } | { kind: 'reset' } | { kind: 'other'; code: string };

function requestOnce(agent: http.Agent, url: URL): Promise<Outcome> {
  return new Promise((resolve) => {
    const request = http.get(url, { agent }, (response) => {
      response.resume();
      response.on('end', () =>
        resolve({ kind: 'answered', status: response.statusCode ?? 0, connectionClose: response.headers.connection === 'close' }),
      );
      response.on('error', () => resolve({ kind: 'reset' }));
    });
    request.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'ECONNREFUSED') resolve({ kind: 'refused' });
      else if (RESET_CODES.has(error.code ?? '')) resolve({ kind: 'reset' });
      else resolve({ kind: 'other', code: error.code ?? error.name });
    });
  });
}

/** Runs the clients until `stop()` (or, with endOnRefused, until each one is refused); resolves with the counts. */
export async function runKeepAliveClients(options: KeepAliveClientsOptions): Promise<KeepAliveCounts> {
  const counts = emptyCounts();
  const urls = options.paths.map((path) => new URL(path, options.baseUrl));
  const client = async (index: number) => {
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    try {
      for (let turn = index; !options.stop(); turn += 1) {
        const outcome = await requestOnce(agent, urls[turn % urls.length]!);
        switch (outcome.kind) {
          case 'answered':
            counts.answered += 1;
            counts.statuses[outcome.status] = (counts.statuses[outcome.status] ?? 0) + 1;
            if (outcome.connectionClose) counts.connectionClose += 1;
            break;
          case 'refused':
            counts.refused += 1;
            if (options.endOnRefused) return;
            await new Promise((resolve) => setTimeout(resolve, options.refusedPauseMs ?? 20));
            break;
          case 'reset':
            counts.reset += 1;
            break;
          case 'other':
            counts.otherErrors[outcome.code] = (counts.otherErrors[outcome.code] ?? 0) + 1;
            break;
        }
      }
    } finally {
      agent.destroy();
    }
  };
  await Promise.all(Array.from({ length: options.clients }, (_, index) => client(index)));
  return counts;
}

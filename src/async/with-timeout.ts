/**
 * A time bound on a promise for checks that must answer even when the
 * database does not (readiness, /health/whatsapp, the /metrics database
 * figures): the bound, not the pool's acquire timeout, decides how long a
 * caller waits.
 */

/** The rejection of withTimeout when the bound passed first; callers tell it apart from the work's own failure. */
export class TimeoutError extends Error {
  override name = 'TimeoutError';
}

/**
 * Settles as `promise` does, or rejects with a TimeoutError after `ms`. The
 * work itself is not cancelled; its later outcome is ignored.
 */
export function withTimeout<T>(promise: Promise<T>, ms: number, message = 'timed out'): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new TimeoutError(message)), ms);
    // A pending bound alone must not keep the process alive; the work it waits for holds its own handles.
    timer.unref();
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}

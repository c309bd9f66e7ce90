/**
 * Polls a condition until it holds (events that settle asynchronously, such
 * as a connection going back to the pool after a rolled-back transaction).
 * Bounded by attempts, not by asserting on durations; the default bound
 * (about 30 s) is generous because it only matters on a loaded machine.
 */
export async function waitFor(condition: () => boolean | Promise<boolean>, { attempts = 1_200, intervalMs = 25 } = {}): Promise<void> {
  for (let attempt = 0; attempt < attempts; attempt += 1) {
    if (await condition()) return;
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
  throw new Error(`condition not met after ${attempts} attempts`);
}

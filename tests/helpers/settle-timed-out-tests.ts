/**
 * Jest does not stop a test whose timeout fired: it reports the timeout, runs
 * the afterEach hooks and starts the next test while the timed-out body keeps
 * going, still writing to the file's database. The next test then sees writes
 * that are not its own, and fails for the wrong reason.
 *
 * Loaded for every test file (setupFilesAfterEnv), this wraps `test`/`it` so
 * the running body is known, and an afterEach hook waits until that body has
 * ended before the next test starts. Bodies that loop over many calls can
 * also stop early: `throwIfTestTimedOut()` throws once Jest has moved on.
 * A body that never ends still cannot run forever beside the next test: the
 * hook gives up after SETTLE_TIMEOUT_MS, and that hook failure names it.
 */
import { afterEach, it, test } from '@jest/globals';

const SETTLE_TIMEOUT_MS = 600_000;

interface Running {
  name: string;
  timedOut: boolean;
  done: Promise<unknown>;
}

let running: Running | undefined;

export class TestTimedOutError extends Error {
  override readonly name = 'TestTimedOutError';
}

/** For loops in long tests: throws when Jest has already given up on the current test. */
export function throwIfTestTimedOut(): void {
  if (running?.timedOut) throw new TestTimedOutError(`"${running.name}" timed out; stopping before the next test starts`);
}

type TestFn = (...args: unknown[]) => unknown;

function track(name: string, body: () => unknown): Promise<unknown> {
  const entry: Running = { name, timedOut: false, done: Promise.resolve() };
  entry.done = Promise.resolve().then(body);
  running = entry;
  return entry.done;
}

function tracked(name: string, fn: TestFn | undefined): TestFn | undefined {
  // Done-callback tests (a parameter) are left alone: Jest tells them apart by arity.
  if (typeof fn !== 'function' || fn.length > 0) return fn;
  return function trackedTest(this: unknown) {
    return track(name, () => fn.call(this));
  };
}

type Register = (name: string, fn?: TestFn, timeout?: number) => unknown;

function wrap<T extends object>(original: T): T {
  const register = original as unknown as Register & { each: (...table: unknown[]) => Register };
  const wrapped = (name: string, fn?: TestFn, timeout?: number) => register(name, tracked(String(name), fn), timeout);
  // test.each: the body gets the row's values; tracked the same way (rows, not done callbacks, are its parameters here).
  const each =
    (...table: unknown[]) =>
    (name: string, fn: TestFn, timeout?: number) =>
      register.each(...table)(
        name,
        function trackedRow(this: unknown, ...args: unknown[]) {
          return track(String(name), () => fn.apply(this, args));
        },
        timeout,
      );
  // .only, .skip, .todo, .concurrent, .failing are Jest's own.
  return Object.assign(wrapped, original, { each });
}

const globals = globalThis as unknown as { test: typeof test; it: typeof it };
globals.test = wrap(test);
globals.it = wrap(it);

afterEach(async () => {
  const entry = running;
  if (!entry) return;
  // A body that already ended never reads this; one Jest gave up on stops at its next throwIfTestTimedOut().
  entry.timedOut = true;
  await entry.done.catch(() => undefined);
  if (running === entry) running = undefined;
}, SETTLE_TIMEOUT_MS);

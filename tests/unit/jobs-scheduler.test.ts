import { jest } from '@jest/globals';
import { scheduleEvery } from '../../src/jobs/scheduler.js';
import { silentLogger } from '../../src/observability/logger.js';

beforeEach(() => {
  jest.useFakeTimers();
});
afterEach(() => {
  jest.useRealTimers();
});

/** A run that stays in progress until released. */
function controllableRun() {
  const releases: (() => void)[] = [];
  let calls = 0;
  const run = () => {
    calls += 1;
    return new Promise<void>((resolve) => releases.push(resolve));
  };
  return { run, calls: () => calls, releaseAll: () => releases.splice(0).forEach((release) => release()) };
}

describe('scheduleEvery', () => {
  test('when started with runAtStart, then it runs at once and again after each interval', async () => {
    const task = controllableRun();
    const schedule = scheduleEvery({ name: 't', intervalMs: 1_000, run: task.run, logger: silentLogger, runAtStart: true });
    expect(task.calls()).toBe(1);
    task.releaseAll();
    await jest.advanceTimersByTimeAsync(1_000);
    expect(task.calls()).toBe(2);
    task.releaseAll();
    await jest.advanceTimersByTimeAsync(1_000);
    expect(task.calls()).toBe(3);
    task.releaseAll();
    await schedule.stop();
  });

  test('when a run is still in progress at the next tick, then that tick is skipped', async () => {
    const task = controllableRun();
    const schedule = scheduleEvery({ name: 't', intervalMs: 1_000, run: task.run, logger: silentLogger });
    await jest.advanceTimersByTimeAsync(1_000);
    await jest.advanceTimersByTimeAsync(1_000);
    await jest.advanceTimersByTimeAsync(1_000);
    expect(task.calls()).toBe(1);
    task.releaseAll();
    await schedule.stop();
  });

  test('when stopped during a run, then stop waits for that run and nothing runs afterwards', async () => {
    const task = controllableRun();
    const schedule = scheduleEvery({ name: 't', intervalMs: 1_000, run: task.run, logger: silentLogger, runAtStart: true });
    let stopped = false;
    const stopping = schedule.stop().then(() => (stopped = true));
    await Promise.resolve();
    expect(stopped).toBe(false);
    task.releaseAll();
    await stopping;
    await jest.advanceTimersByTimeAsync(5_000);
    expect(task.calls()).toBe(1);
  });

  test('when a run throws, then the schedule keeps going', async () => {
    let calls = 0;
    const schedule = scheduleEvery({
      name: 't',
      intervalMs: 1_000,
      logger: silentLogger,
      run: async () => {
        calls += 1;
        throw new Error('boom');
      },
    });
    await jest.advanceTimersByTimeAsync(2_000);
    expect(calls).toBe(2);
    await schedule.stop();
  });

  test('when the interval is longer than timers allow, then it is refused instead of firing at once', () => {
    expect(() => scheduleEvery({ name: 't', intervalMs: 2 ** 31, run: async () => undefined, logger: silentLogger })).toThrow(RangeError);
  });
});

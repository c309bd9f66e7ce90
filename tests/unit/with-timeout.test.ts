import { jest } from '@jest/globals';
import { TimeoutError, withTimeout } from '../../src/async/with-timeout.js';

beforeEach(() => {
  jest.useFakeTimers();
});
afterEach(() => {
  jest.useRealTimers();
});

describe('withTimeout', () => {
  it('resolves with the value when the work finishes in time', async () => {
    await expect(withTimeout(Promise.resolve(42), 1_000)).resolves.toBe(42);
  });

  it("rejects with the work's own error, not a TimeoutError", async () => {
    const failure = new Error('connection refused');
    const outcome = withTimeout(Promise.reject(failure), 1_000);
    await expect(outcome).rejects.toBe(failure);
    await expect(outcome).rejects.not.toBeInstanceOf(TimeoutError);
  });

  it('rejects with a TimeoutError carrying the message once the bound passes first', async () => {
    const never = new Promise<never>(() => undefined);
    const outcome = withTimeout(never, 500, 'metrics database read timed out');
    const settled = expect(outcome).rejects.toThrow(new TimeoutError('metrics database read timed out'));
    jest.advanceTimersByTime(499);
    await Promise.resolve();
    jest.advanceTimersByTime(1);
    await settled;
    await expect(outcome).rejects.toBeInstanceOf(TimeoutError);
  });

  it("uses 'timed out' as the default message", async () => {
    const outcome = withTimeout(new Promise<never>(() => undefined), 10);
    jest.advanceTimersByTime(10);
    await expect(outcome).rejects.toThrow('timed out');
  });

  it('does not time out at all while the bound has not passed', async () => {
    let settled = false;
    void withTimeout(new Promise<never>(() => undefined), 500).catch(() => (settled = true));
    jest.advanceTimersByTime(499);
    await Promise.resolve();
    await Promise.resolve();
    expect(settled).toBe(false);
    jest.advanceTimersByTime(1);
    await Promise.resolve();
    await Promise.resolve();
    expect(settled).toBe(true);
  });

  it('clears its timer when the work resolves or rejects first', async () => {
    expect(jest.getTimerCount()).toBe(0);
    const resolved = withTimeout(Promise.resolve('ok'), 60_000);
    expect(jest.getTimerCount()).toBe(1);
    await resolved;
    expect(jest.getTimerCount()).toBe(0);

    const rejected = withTimeout(Promise.reject(new Error('boom')), 60_000);
    expect(jest.getTimerCount()).toBe(1);
    await expect(rejected).rejects.toThrow('boom');
    expect(jest.getTimerCount()).toBe(0);
  });

  it('does not let its timer keep the process alive', () => {
    jest.useRealTimers();
    const setTimeoutSpy = jest.spyOn(globalThis, 'setTimeout');
    const pending = withTimeout(new Promise<never>(() => undefined), 60_000);
    pending.catch(() => undefined);
    const timer = setTimeoutSpy.mock.results[0]?.value as NodeJS.Timeout;
    expect(timer.hasRef()).toBe(false);
    clearTimeout(timer);
    setTimeoutSpy.mockRestore();
  });
});

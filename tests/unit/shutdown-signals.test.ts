import { EventEmitter } from 'node:events';
import { exitOnSignals, type SignalTarget } from '../../src/shutdown-signals.js';
import { captureLog } from '../helpers/log-capture.js';

function setup(shutdownResult: Promise<void>) {
  const target = new EventEmitter();
  const exits: number[] = [];
  const reasons: string[] = [];
  const log = captureLog('info');
  const dispose = exitOnSignals({
    logger: log.logger,
    shutdown: (reason) => {
      reasons.push(reason);
      return shutdownResult;
    },
    exit: (code) => void exits.push(code),
    target: target as unknown as SignalTarget,
  });
  return { target, exits, reasons, log, dispose };
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('exitOnSignals', () => {
  test('when the first signal arrives, then the shutdown runs once and the process exits 0 when it is done', async () => {
    let finish!: () => void;
    const { target, exits, reasons, dispose } = setup(new Promise<void>((resolve) => (finish = resolve)));
    target.emit('SIGTERM');
    await settle();
    expect(reasons).toEqual(['SIGTERM']);
    expect(exits).toEqual([]);
    finish();
    await settle();
    expect(exits).toEqual([0]);
    dispose();
  });

  test('when a second signal arrives during the shutdown, then it is logged and ignored', async () => {
    const { target, exits, reasons, log, dispose } = setup(new Promise<void>(() => undefined));
    target.emit('SIGINT');
    target.emit('SIGINT');
    await settle();
    expect(reasons).toEqual(['SIGINT']);
    expect(exits).toEqual([]);
    expect(log.lines.map((line) => line.msg)).toContain('SIGINT ignored: shutdown already in progress (a third signal forces exit)');
    dispose();
  });

  test('when a third signal arrives, then the process exits at once with 128 + the signal number and a log line', async () => {
    const { target, exits, log, dispose } = setup(new Promise<void>(() => undefined));
    target.emit('SIGINT');
    target.emit('SIGTERM');
    target.emit('SIGINT');
    await settle();
    expect(exits).toEqual([130]);
    expect(log.lines.at(-1)).toMatchObject({ level: 50, msg: 'SIGINT received a third time: forced exit before the shutdown finished' });
    dispose();
  });

  test('when the shutdown itself fails, then the failure is logged and the process exits 1', async () => {
    const { target, exits, log, dispose } = setup(Promise.reject(new Error('boom')));
    target.emit('SIGTERM');
    await settle();
    expect(exits).toEqual([1]);
    expect(log.lines.map((line) => line.msg)).toContain('shutdown failed');
    dispose();
  });

  test('when the handlers are removed, then signals no longer start a shutdown', async () => {
    const { target, reasons, dispose } = setup(new Promise<void>(() => undefined));
    dispose();
    target.emit('SIGTERM');
    await settle();
    expect(reasons).toEqual([]);
  });
});

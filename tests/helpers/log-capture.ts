/** A real pino logger whose JSON lines are collected for assertions. */
import { Writable } from 'node:stream';
import { createLogger, type Logger } from '../../src/observability/logger.js';

export interface CapturedLog {
  logger: Logger;
  lines: Record<string, unknown>[];
  text(): string;
}

export function captureLog(level = 'debug'): CapturedLog {
  const lines: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split('\n')) if (line.trim()) lines.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  return { logger: createLogger({ level, name: 'test', destination }), lines, text: () => lines.map((line) => JSON.stringify(line)).join('\n') };
}

import { Writable } from 'node:stream';
import { createLogger } from '../../src/observability/logger.js';

function capture() {
  const lines: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
      done();
    },
  });
  return { lines, logger: createLogger({ level: 'info', name: 'test', destination }) };
}

describe('createLogger', () => {
  test('when a line carries a phone, a secret, dialog state or a client name, then each is censored', () => {
    const { lines, logger } = capture();
    logger.info({ phone: '79991234567', databaseUrl: 'postgresql://u:p@h/db', state: { step: 'x' }, client: { id: 7, name: 'Elena' } }, 'line');
    const text = JSON.stringify(lines[0]);
    expect(text).not.toContain('79991234567');
    expect(text).not.toContain('postgresql://');
    expect(text).not.toContain('Elena');
    expect(lines[0]).toMatchObject({ client: { id: 7, name: '[redacted]' }, name: 'test' });
  });

  test('when an error name is logged, then it is kept (operators need it)', () => {
    const { lines, logger } = capture();
    logger.error({ err: { name: 'PortInUseError' } }, 'failed');
    expect(lines[0]).toMatchObject({ err: { name: 'PortInUseError' }, msg: 'failed' });
  });
});

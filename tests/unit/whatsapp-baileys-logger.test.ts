import { Writable } from 'node:stream';
import { pino } from 'pino';
import { createBaileysLogger } from '../../src/whatsapp/baileys-logger.js';

/** A parent logger with a redaction of its own (as the project's has), writing into `lines`. */
function capture() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(chunk.toString('utf8'));
      done();
    },
  });
  const parent = pino({ level: 'info', redact: { paths: ['phone', '*.phone'], censor: '[redacted]' } }, stream);
  return { parent, lines };
}

const PHONE = '79991234567';

describe('createBaileysLogger', () => {
  test('when Baileys logs jid, from, participant, attrs, node, fullErrorNode and content, then no phone digits reach the output', () => {
    const { parent, lines } = capture();
    const logger = createBaileysLogger(parent);
    const node = { tag: 'message', attrs: { from: `${PHONE}@s.whatsapp.net`, id: 'ABC' }, content: [{ tag: 'enc', attrs: { type: 'pkmsg' } }] };

    logger.warn({ jid: `${PHONE}@s.whatsapp.net` }, 'failed to decrypt');
    logger.error({ from: `${PHONE}@s.whatsapp.net`, participant: `${PHONE}:3@lid` }, 'error in handling message');
    logger.warn({ attrs: node.attrs, node, fullErrorNode: node }, 'stanza error');
    logger.error({ key: { remoteJid: 'x', participant: `${PHONE}@s.whatsapp.net` }, data: { content: `hi ${PHONE}` } }, 'nested');
    logger.child({ class: 'ws' }).warn({ jid: PHONE }, 'from a child Baileys makes');

    expect(lines).toHaveLength(5);
    for (const line of lines) expect(line).not.toContain(PHONE);
    expect(JSON.parse(lines[0] ?? '{}')).toMatchObject({ component: 'baileys', jid: '[redacted]', msg: 'failed to decrypt' });
    expect(node.attrs.from).toContain(PHONE);
  });

  test('when the parent redacts keys of its own, then they stay redacted under the Baileys logger too', () => {
    const { parent, lines } = capture();

    createBaileysLogger(parent).warn({ phone: PHONE, user: { phone: PHONE }, count: 3 }, 'x');

    expect(JSON.parse(lines[0] ?? '{}')).toMatchObject({ phone: '[redacted]', user: { phone: '[redacted]' }, count: 3 });
  });

  test('when Baileys logs below warn, then nothing is written', () => {
    const { parent, lines } = capture();

    createBaileysLogger(parent).info({ jid: PHONE }, 'chatty');

    expect(lines).toHaveLength(0);
  });
});

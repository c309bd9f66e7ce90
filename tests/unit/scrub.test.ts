import { maskPhone, scrubText, scrubValue } from '../../src/observability/scrub.js';

describe('scrubText', () => {
  test('when a PostgreSQL detail echoes a row value, then the value is removed and the column kept', () => {
    expect(scrubText('Key (phone)=(79991234567) already exists.')).toBe('Key (phone)=([redacted]) already exists.');
  });

  test('when a connection string with credentials appears, then it is replaced whole', () => {
    const text = 'connect failed for postgresql://app:s3cret@db.example.com:5432/main today';
    expect(scrubText(text)).toBe('connect failed for [connection string] today');
  });

  test('when a phone number is typed with punctuation, then only its last four digits remain', () => {
    expect(scrubText('call +7 (999) 123-45-67 now')).toBe('call ***4567 now');
  });

  test('when a number is short, then it is not mistaken for a phone', () => {
    expect(scrubText('retry 3 of 5 after 250 ms')).toBe('retry 3 of 5 after 250 ms');
  });
});

describe('scrubValue', () => {
  test('when an object holds secrets and personal fields, then secrets and text are dropped and phones masked', () => {
    const scrubbed = scrubValue({
      clientId: 7,
      phone: '79991234567',
      name: 'Elena',
      text: 'hello, book me for 5pm',
      password: 'p',
      creds: { noiseKey: 'x' },
      nested: { apiKey: 'k', count: 3 },
    });
    expect(scrubbed).toEqual({ clientId: 7, phone: '***4567', nested: { count: 3 } });
  });

  test('when binary data is present, then it is never sent', () => {
    expect(scrubValue({ blob: Buffer.from('secret') })).toEqual({ blob: '[binary]' });
  });
});

describe('maskPhone', () => {
  test('when given any format, then the result keeps only the last four digits', () => {
    expect(maskPhone('8 (999) 123-45-67')).toBe('***4567');
    expect(maskPhone('12')).toBe('***');
  });
});

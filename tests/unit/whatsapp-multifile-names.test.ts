import { mangleFileName, parseAuthFileName } from '../../src/whatsapp/multifile-names.js';

describe('parseAuthFileName', () => {
  test.each([
    ['sender-key', '120363001@g.us::79001234567::0'],
    ['sender-key', '79001111111-1612345678@g.us::1234_1::3'],
    ['sender-key-memory', '79001111111-1612345678@g.us'],
    ['identity-key', '79001234567:2@s.whatsapp.net'],
    ['identity-key', '123456789:5@lid'],
    ['app-state-sync-key', 'AAD7/w=='],
    ['session', '79001234567.0'],
    ['session', '12345_1.3'],
    ['lid-mapping', '12345_reverse'],
    ['app-state-sync-version', 'critical_unblock_low'],
    ['pre-key', '812'],
    ['tctoken', '79001234567@s.whatsapp.net'],
  ])('when Baileys stored a %s key with id %s, then the file name gives the id back exactly', (type, id) => {
    expect(parseAuthFileName(mangleFileName(`${type}-${id}.json`))).toEqual({ kind: 'key', type, id });
  });

  test('when the file is creds.json, then it is the creds', () => {
    expect(parseAuthFileName('creds.json')).toEqual({ kind: 'creds' });
  });

  test.each(['notes.txt', 'unknown-type-1.json', 'pre-key-.json'])('when the file is %s, then it is unrecognised', (file) => {
    expect(parseAuthFileName(file)).toEqual({ kind: 'unrecognised' });
  });
});

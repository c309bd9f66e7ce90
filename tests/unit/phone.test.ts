import { isPhoneRegion, isPhoneSpelling, normalizePhone, tryNormalizePhone } from '../../src/domain/phone.js';
import { ValidationError } from '../../src/db/errors.js';

describe('normalizePhone in a Russian salon (the default region)', () => {
  // The hand-written parser's good cases, kept.
  test.each([
    ['+7 (999) 123-45-67', '79991234567'],
    ['89991234567', '79991234567'],
    ['8 999 123 45 67', '79991234567'],
    ['79991234567', '79991234567'],
    ['9991234567', '79991234567'],
    ['+79991234567', '79991234567'],
    ['79991234567@s.whatsapp.net', '79991234567'],
    ['+44 20 7946 0958', '442079460958'],
    ['+375 (29) 123-45-67', '375291234567'],
    ['  7.999.123.45.67 ', '79991234567'],
  ])('when the input is %p, then it is stored as %p', (input, expected) => {
    expect(normalizePhone(input)).toBe(expected);
  });

  // Spellings the hand-written parser refused or misread.
  test.each([
    ['(495) 123-45-67', '74951234567', 'a Moscow landline typed without the country code'],
    ['tel:+79991234567', '79991234567', 'a tel: URI'],
    ['tel:+7-999-123-45-67', '79991234567', 'a tel: URI with dashes'],
    ['0079991234567', '79991234567', 'the 00 international prefix'],
    ['00 44 20 7946 0958', '442079460958', 'the 00 prefix before a foreign number'],
    ['+7 999 123\u201345\u201367', '79991234567', 'en dashes'],
    ['+7\u00a0999\u00a0123\u201445\u201467', '79991234567', 'non-breaking spaces and em dashes'],
    ['79991234567:12@s.whatsapp.net', '79991234567', 'a WhatsApp JID with a device suffix'],
    ['79991234567@c.us', '79991234567', 'a c.us JID'],
    ['8 10 44 20 7946 0958', '442079460958', 'the Russian 8 10 international prefix'],
    ['8 (800) 555-35-35', '78005553535', 'a toll-free number'],
  ])('when the input is %p, then it is stored as %p (%s)', (input, expected) => {
    expect(normalizePhone(input, 'RU')).toBe(expected);
  });

  test.each([
    ['', 'empty'],
    ['12345', 'too short'],
    ['1234567890123456', 'too long'],
    ['+7 999 123 45 6', 'a +7 number of ten digits'],
    ['7999123456789', 'a +7 number of thirteen digits'],
    ['8 999 123 45 678', 'a trunk-prefixed number of twelve digits'],
    ['0991234567', 'a leading zero'],
    ['+0 123 4567', 'a country code starting with 0'],
    ['call me: 79991234567', 'letters'],
    ['555-CALL-NOW', 'a vanity number'],
    ['7999+1234567', 'a plus in the middle'],
    ['tel:+7-999-123-45-67;ext=1', 'an extension'],
    ['12345678901@lid', 'a WhatsApp LID, which is not a phone number'],
  ])('when the input is %p (%s), then it is a validation error that does not echo the value', (input) => {
    expect(tryNormalizePhone(input, 'RU')).toBeNull();
    const thrown = captureError(() => normalizePhone(input, 'RU', 'client.phone'));
    expect(thrown).toBeInstanceOf(ValidationError);
    expect(thrown).toMatchObject({ message: 'client.phone is not a valid phone number', fields: ['client.phone'] });
  });

  test('when every spelling of one number is normalised, then they all give the same digits', () => {
    const spellings = ['+7 (999) 123-45-67', '8 999 123 45 67', '9991234567', 'tel:+79991234567', '0079991234567', '+7 999 123\u201345\u201367', '79991234567:3@s.whatsapp.net'];
    expect(new Set(spellings.map((spelling) => normalizePhone(spelling, 'RU')))).toEqual(new Set(['79991234567']));
  });
});

describe('normalizePhone in other regions', () => {
  test('when a salon is in Germany, then a national number is read as German and a JID still as international', () => {
    expect(normalizePhone('030 1234567', 'DE')).toBe('49301234567');
    expect(normalizePhone('79991234567@s.whatsapp.net', 'DE')).toBe('79991234567');
    expect(normalizePhone('+7 999 123-45-67', 'DE')).toBe('79991234567');
  });

  test('when a salon is in Kazakhstan, then 8 7xx is a Kazakh mobile', () => {
    expect(normalizePhone('8 700 123 45 67', 'KZ')).toBe('77001234567');
  });
});

describe('isPhoneSpelling and isPhoneRegion', () => {
  test('when the text is spelled like a phone, then the spelling check passes before any region is known', () => {
    expect(isPhoneSpelling('8 999 123 45 678')).toBe(true);
    expect(isPhoneSpelling('555-CALL-NOW')).toBe(false);
    expect(isPhoneSpelling('x'.repeat(65))).toBe(false);
  });

  test('when a region code is checked, then only upper-case codes with numbering rules pass', () => {
    expect(isPhoneRegion('RU')).toBe(true);
    expect(isPhoneRegion('KZ')).toBe(true);
    expect(isPhoneRegion('ru')).toBe(false);
    expect(isPhoneRegion('XX')).toBe(false);
    expect(isPhoneRegion('RUS')).toBe(false);
  });
});

function captureError(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  return undefined;
}

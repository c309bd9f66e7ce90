import { normalizePhone, tryNormalizePhone } from '../../src/domain/phone.js';
import { ValidationError } from '../../src/db/errors.js';

describe('normalizePhone', () => {
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

  test.each([
    ['', 'empty'],
    ['12345', 'too short'],
    ['1234567890123456', 'too long'],
    ['+7 999 123 45 6', 'a +7 number of ten digits'],
    ['7999123456789', 'a +7 number of thirteen digits'],
    ['0991234567', 'a leading zero'],
    ['call me: 79991234567', 'letters'],
    ['7999+1234567', 'a plus in the middle'],
  ])('when the input is %p (%s), then it is a validation error that does not echo the value', (input) => {
    expect(tryNormalizePhone(input)).toBeNull();
    const thrown = captureError(() => normalizePhone(input, 'client.phone'));
    expect(thrown).toBeInstanceOf(ValidationError);
    expect(thrown).toMatchObject({ message: 'client.phone is not a valid phone number', fields: ['client.phone'] });
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

/**
 * Phones as typed, resolved to E.164 digits in the salon's region. The
 * region (companies.country) is read only when some phone was typed without
 * its country code: a WhatsApp JID or "+7 ..." costs no extra query.
 */
import { DEFAULT_PHONE_REGION, invalidPhone, needsRegion, phoneFromSpelling, readPhoneSpelling, type PhoneSpelling } from '../domain/phone.js';
import type { CompanyRepository } from './company-repository.js';

export class SalonPhones {
  constructor(private readonly companies: CompanyRepository) {}

  /** One phone; an invalid one is a ValidationError naming `field`. */
  async resolve(companyId: number, typed: string, field = 'phone'): Promise<string> {
    const [digits] = await this.resolveAll(companyId, [typed], () => field, false);
    return digits as string;
  }

  /**
   * Many phones of one salon, with one region lookup at most. The first
   * invalid one is a ValidationError naming `fieldOf(index)` (and its index
   * as rowIndex when `rowIndexes`), before anything is written.
   */
  async resolveAll(companyId: number, typed: string[], fieldOf: (index: number) => string, rowIndexes = true): Promise<string[]> {
    const fail = (index: number) => invalidPhone(fieldOf(index), rowIndexes ? index : undefined);
    const spellings: PhoneSpelling[] = typed.map((text, index) => {
      const spelling = readPhoneSpelling(text);
      if (spelling === null) throw fail(index);
      return spelling;
    });
    const region = spellings.some(needsRegion) ? await this.companies.findPhoneRegion(companyId) : DEFAULT_PHONE_REGION;
    return spellings.map((spelling, index) => {
      const digits = phoneFromSpelling(spelling, region);
      if (digits === null) throw fail(index);
      return digits;
    });
  }
}

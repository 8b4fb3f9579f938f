import { AppError } from '@jobwire/contracts';
import { dictionary } from '@zxcvbn-ts/language-common';

/** ~49,000 common passwords from zxcvbn-ts's dictionary, lower-cased. */
const COMMON = new Set((dictionary['passwords-common']).map((p) => p.toLowerCase()));

/**
 * The policy for every password a person chooses: long enough, at most 72 bytes (what
 * bcrypt reads), and not a common password. Throws USERS_PASSWORD_WEAK saying why.
 */
export function checkPasswordPolicy(password: string, minLength: number, field = 'password'): void {
  const reason =
    Array.from(new Intl.Segmenter().segment(password)).length < minLength
      ? `must be at least ${minLength} characters`
      : Buffer.byteLength(password, 'utf8') > 72
        ? 'must be at most 72 bytes (bcrypt reads no more)'
        : COMMON.has(password.toLowerCase())
          ? 'is one of the most common passwords; choose another'
          : undefined;
  if (reason !== undefined) throw new AppError('USERS_PASSWORD_WEAK', `The password ${reason}.`, { details: [{ path: field, message: reason }] });
}

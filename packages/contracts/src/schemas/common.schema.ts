import { z } from 'zod';

/**
 * Building blocks shared by every contract. Every string has a maximum length, every
 * number a range; objects strip unknown keys (real clients send more than the documents
 * show) while every known field is checked strictly.
 */

export const IdSchema = z
  .string()
  .regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be an id: 1-64 letters, digits, - or _')
  .meta({ description: 'A string id (time-ordered 64-bit number as text for created records).', example: '1864927337364402176' });

export const DeviceIdSchema = z
  .string()
  .min(1, 'is required')
  .max(128, 'must be at most 128 characters')
  .regex(/^[A-Za-z0-9._:-]+$/, 'may contain letters, digits and . _ : - only')
  .meta({ description: 'A client session id chosen by the client.', example: '80c71a92-a2e6-4320-3bbe-38cfd6b19ab4' });

/** An 11-digit mainland China mobile number, or an E.164 number (+ and 7-15 digits). */
export const MobileSchema = z
  .string()
  .regex(/^(1\d{10}|\+[1-9]\d{6,14})$/, 'must be an 11-digit mobile number starting with 1, or an E.164 number such as +8613588888888')
  .meta({ example: '13588888888' });

export const AccountNameSchema = z
  .string()
  .min(1, 'is required')
  .max(64, 'must be at most 64 characters')
  .meta({ description: 'Login account name.', example: 'admin' });

export const PasswordInputSchema = z.string().min(1, 'is required').max(128, 'must be at most 128 characters');

/**
 * A new password. bcrypt reads only 72 bytes, so longer ones are refused rather than cut;
 * the users service applies the rest of the policy (length, common passwords).
 */
export const NewPasswordSchema = z
  .string()
  .min(1, 'is required')
  .refine((p) => Buffer.byteLength(p, 'utf8') <= 72, 'must be at most 72 bytes (bcrypt reads no more)');

/** Captcha answers and SMS codes as typed by a person; empty when captchas are off. */
export const CaptchaAnswerSchema = z.string().max(16, 'must be at most 16 characters');

export const OpenJobDateTimeSchema = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/, 'must look like yyyy-MM-dd HH:mm:ss')
  .meta({ example: '2021-09-29 16:51:32' });

/** An IANA time zone the runtime knows, e.g. Asia/Shanghai. */
export const TimeZoneSchema = z
  .string()
  .min(1)
  .max(64)
  .refine((zone) => {
    try {
      new Intl.DateTimeFormat('en-US', { timeZone: zone });
      return true;
    } catch {
      return false;
    }
  }, 'must be an IANA time zone such as Asia/Shanghai')
  .meta({ example: 'Asia/Shanghai' });

/** A query-string integer (also accepts a number, so gateway output re-validates). */
export function queryInt(min: number, max: number) {
  return z
    .union([z.number(), z.string().max(12).regex(/^-?\d+$/, 'must be a whole number')])
    .transform((v) => Number(v))
    .pipe(z.number().int().min(min, `must be at least ${min}`).max(max, `must be at most ${max}`));
}

/** A query-string boolean: `true`/`false` (or a boolean). */
export const QueryBooleanSchema = z.union([z.boolean(), z.enum(['true', 'false']).transform((v) => v === 'true')]);

export const PageQueryShape = {
  current: queryInt(1, 1_000_000).default(1).meta({ description: 'Page number, from 1.' }),
  pageSize: queryInt(1, 500).default(10).meta({ description: 'Rows per page, at most 500.' }),
};

/** The Open-Job page object; counts are strings as the original serialises longs. */
export function pageSchema<T extends z.ZodType>(record: T) {
  return z.object({
    records: z.array(record),
    total: z.string(),
    current: z.string(),
    pages: z.string(),
    hasPrevious: z.boolean(),
    hasNext: z.boolean(),
  });
}

export const IdListSchema = z.array(IdSchema).min(1, 'must name at least one id').max(500, 'must name at most 500 ids');

export const NullSchema = z.null();
export const TrueSchema = z.literal(true);

/** An image the gateway answers as `image/png` bytes or a data URL. */
export const PngImageSchema = z.object({
  png: z.string().min(1).meta({ description: 'PNG bytes, base64.' }),
  requestId: z.string().max(128).optional(),
});

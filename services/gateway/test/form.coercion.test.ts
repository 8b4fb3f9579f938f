import { JobCreateBodySchema, IdsBodySchema } from '@jobwire/contracts';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { formCoercer } from '../src/http/form.coercion.js';

describe('form bodies read as the route schema takes them', () => {
  it('turns numbers, booleans and one-item lists into their types and leaves text alone', () => {
    const coerce = formCoercer(JobCreateBodySchema);
    const form = { jobName: '42', handlerName: 'echo', cronExpression: '0 0/5 * * * ?', timeoutSeconds: '30', retries: '0', allowOverlap: 'false', params: '' };
    const coerced = coerce(form);
    expect(coerced).toEqual({ ...form, timeoutSeconds: 30, retries: 0, allowOverlap: false });
    expect(JobCreateBodySchema.safeParse(coerced).success).toBe(true);
    // Text that does not read as the type stays text, and validation names the field.
    const wrong = coerce({ ...form, timeoutSeconds: 'soon', allowOverlap: 'yes' });
    expect(wrong).toMatchObject({ timeoutSeconds: 'soon', allowOverlap: 'yes' });
    expect(JobCreateBodySchema.safeParse(wrong).success).toBe(false);
  });

  it('makes a list of a single field and of repeated fields', () => {
    const coerce = formCoercer(IdsBodySchema);
    expect(coerce({ ids: '7' })).toEqual({ ids: ['7'] });
    expect(coerce({ ids: ['7', '8'] })).toEqual({ ids: ['7', '8'] });
    const numbers = formCoercer(z.object({ n: z.array(z.number()).optional(), flag: z.boolean().nullable() }));
    expect(numbers({ n: ['1', '2.5'], flag: 'true', extra: 'x' })).toEqual({ n: [1, 2.5], flag: true, extra: 'x' });
  });
});

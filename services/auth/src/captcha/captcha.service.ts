import { randomUUID, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { kvKey, type SingleUseStore } from '../kv/single-use.store.js';
import { drawCaptcha, randomCaptchaText } from './captcha.image.js';

export const CaptchaEntrySchema = z.object({ answer: z.string() });
export type CaptchaEntry = z.output<typeof CaptchaEntrySchema>;

export interface CaptchaDeps {
  store: SingleUseStore<CaptchaEntry>;
  enabled: boolean;
  length: number;
}

/** The id a client names its captcha by: Open-Job's deviceId or IBPS's requestId. */
export function captchaKey(clientId: string): string {
  return kvKey('image', clientId);
}

/** A new image captcha; it replaces the client's previous one. */
export async function createImageCaptcha(deps: CaptchaDeps, clientId: string | undefined): Promise<{ png: string; requestId: string }> {
  const requestId = clientId ?? randomUUID().replace(/-/g, '');
  const text = randomCaptchaText(deps.length);
  await deps.store.put(captchaKey(requestId), { answer: text.toLowerCase() });
  return { png: drawCaptcha(text).toString('base64'), requestId };
}

/**
 * Checks an answer, case-insensitively. The captcha is spent whatever the answer, so a
 * wrong guess cannot be followed by another one. With captchas off every answer passes.
 */
export async function checkCaptcha(deps: CaptchaDeps, clientId: string | undefined, answer: string | undefined): Promise<boolean> {
  if (!deps.enabled) return true;
  if (clientId === undefined || clientId === '' || answer === undefined || answer === '') return false;
  const entry = await deps.store.take(captchaKey(clientId));
  if (entry === undefined) return false;
  const given = Buffer.from(answer.trim().toLowerCase());
  const expected = Buffer.from(entry.answer);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

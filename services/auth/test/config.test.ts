import { describe, expect, it } from 'vitest';
import { loadAuthConfig } from '../src/config.js';

const base = { JWT_SECRET: 'x'.repeat(32) };

describe('auth configuration', () => {
  it('refuses the log SMS provider in production, naming the variable', () => {
    expect(() => loadAuthConfig({ ...base, NODE_ENV: 'production' })).toThrow(/SMS_PROVIDER: log writes codes to the log/);
    expect(loadAuthConfig({ ...base, NODE_ENV: 'production', SMS_PROVIDER: 'webhook', SMS_WEBHOOK_URL: 'https://sms.example/send' }).SMS_PROVIDER).toBe('webhook');
  });

  it('needs a webhook URL for the webhook provider, and both WeCom settings or none', () => {
    expect(() => loadAuthConfig({ ...base, SMS_PROVIDER: 'webhook' })).toThrow(/SMS_WEBHOOK_URL/);
    expect(() => loadAuthConfig({ ...base, WECOM_CORP_ID: 'corp' })).toThrow(/WECOM_SECRET/);
  });

  it('refuses a JWT secret shorter than 32 bytes or none at all', () => {
    expect(() => loadAuthConfig({ JWT_SECRET: 'short' })).toThrow(/JWT_SECRET: must be at least 32 bytes/);
    expect(() => loadAuthConfig({})).toThrow(/JWT_SECRET/);
  });

  it('reads CAPTCHA_ENABLED as a flag', () => {
    expect(loadAuthConfig({ ...base, CAPTCHA_ENABLED: 'false' }).CAPTCHA_ENABLED).toBe(false);
    expect(() => loadAuthConfig({ ...base, CAPTCHA_ENABLED: 'maybe' })).toThrow(/CAPTCHA_ENABLED/);
  });
});

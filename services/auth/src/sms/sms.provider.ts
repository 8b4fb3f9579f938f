import type { Logger } from 'pino';

export type SmsPurpose = 'login' | 'register' | 'forget';

export interface SmsMessage {
  mobile: string;
  code: string;
  purpose: SmsPurpose;
  text: string;
}

/** Where SMS codes go: one interface, a provider per SMS_PROVIDER. */
export interface SmsProvider {
  readonly name: string;
  send(message: SmsMessage): Promise<void>;
}

/** Development: the code is written to the log. Refused in production by the config. */
export function logSmsProvider(logger: Logger): SmsProvider {
  return {
    name: 'log',
    async send(message) {
      logger.info({ mobile: message.mobile, purpose: message.purpose }, `SMS (log provider, not sent): ${message.text}`);
    },
  };
}

/** POSTs `{mobile, text, code, purpose}` as JSON to the SMS gateway, with a timeout and retries. */
export function webhookSmsProvider(options: { url: string; timeoutMs: number; retries: number; logger: Logger }): SmsProvider {
  return {
    name: 'webhook',
    async send(message) {
      let lastError: unknown;
      for (let attempt = 0; attempt <= options.retries; attempt += 1) {
        if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, 200 * 2 ** (attempt - 1)));
        try {
          const response = await fetch(options.url, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ mobile: message.mobile, text: message.text, code: message.code, purpose: message.purpose }),
            signal: AbortSignal.timeout(options.timeoutMs),
          });
          await response.arrayBuffer();
          if (response.ok) return;
          lastError = new Error(`SMS gateway answered HTTP ${response.status}`);
        } catch (error) {
          lastError = error;
        }
      }
      throw lastError instanceof Error ? lastError : new Error('SMS gateway failed');
    },
  };
}

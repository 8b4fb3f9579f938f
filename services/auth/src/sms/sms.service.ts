import { AppError, usersEndpoints } from '@jobwire/contracts';
import { requestEndpoint, type EndpointContext } from '@jobwire/service-kit';
import type { KV } from '@nats-io/kv';
import type { NatsConnection } from '@nats-io/nats-core';
import type { Logger } from 'pino';
import { kvKey } from '../kv/single-use.store.js';
import { issueOtp, type OtpDeps } from './otp.service.js';
import { takeSendSlot, type ThrottleRule } from './send-throttle.js';
import type { SmsProvider, SmsPurpose } from './sms.provider.js';

export interface SmsDeps {
  nc: NatsConnection;
  otp: OtpDeps;
  provider: SmsProvider;
  throttleKv: KV;
  perMobile: readonly ThrottleRule[];
  perClientIp: readonly ThrottleRule[];
  requestTimeoutMs: number;
  logger: Logger;
}

const TEXT: Record<SmsPurpose, (code: string) => string> = {
  login: (code) => `Your Jobwire login code is ${code}. It expires in 5 minutes.`,
  register: (code) => `Your Jobwire registration code is ${code}. It expires in 5 minutes.`,
  forget: (code) => `Your Jobwire password reset code is ${code}. It expires in 5 minutes.`,
};

/**
 * Sends a code, within the limits per mobile and per client IP. For a login or reset the
 * code goes out only when the mobile has an account, but the answer and the limits are
 * the same either way, so the endpoint does not tell which mobiles are registered.
 * Delivery happens after the answer; failures are logged, not shown to the caller.
 */
export async function sendSmsCode(deps: SmsDeps, input: { mobile: string; purpose: SmsPurpose }, ctx: EndpointContext): Promise<void> {
  const now = Date.now();
  const waitIp = ctx.clientIp === undefined ? 0 : await takeSendSlot(deps.throttleKv, kvKey('ip', ctx.clientIp), deps.perClientIp, now);
  const wait = waitIp > 0 ? waitIp : await takeSendSlot(deps.throttleKv, kvKey('mobile', input.mobile), deps.perMobile, now);
  if (wait > 0) {
    throw new AppError('AUTH_SMS_THROTTLED', `Too many SMS codes requested; retry in ${wait} seconds.`, { retryAfterSeconds: wait });
  }
  if (input.purpose !== 'register') {
    const account = await requestEndpoint(deps.nc, usersEndpoints.findByMobile, { mobile: input.mobile }, { headers: { 'x-request-id': ctx.requestId }, timeoutMs: deps.requestTimeoutMs });
    if (account === null) return;
  }
  const code = await issueOtp(deps.otp, input.purpose, input.mobile);
  void deps.provider.send({ mobile: input.mobile, code, purpose: input.purpose, text: TEXT[input.purpose](code) }).catch((error: unknown) => {
    ctx.logger.error({ err: error, provider: deps.provider.name, purpose: input.purpose }, 'SMS delivery failed');
  });
}

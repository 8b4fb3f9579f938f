import { authEndpoints } from '@jobwire/contracts';
import type { ServiceHost } from '@jobwire/service-kit';
import type { LoginDeps } from '../login/password-login.service.js';
import { mobileLogin } from './mobile-login.service.js';
import { verifyOtp } from './otp.service.js';
import { sendSmsCode, type SmsDeps } from './sms.service.js';

export async function registerSmsHandlers(host: ServiceHost, sms: SmsDeps, login: LoginDeps): Promise<void> {
  // IBPS: forget=true is a password reset code, otherwise a registration code.
  await host.endpoint(authEndpoints.smsSend, async ({ mobile, forget }, ctx) => {
    await sendSmsCode(sms, { mobile, purpose: forget ? 'forget' : 'register' }, ctx);
    return null;
  });
  await host.endpoint(authEndpoints.smsVerify, async ({ mobile, purpose, code }) => ({ valid: await verifyOtp(sms.otp, purpose, mobile, code) }));
  await host.endpoint(authEndpoints.loginMobile, (request, ctx) => mobileLogin({ ...login, otp: sms.otp }, request, ctx));
}

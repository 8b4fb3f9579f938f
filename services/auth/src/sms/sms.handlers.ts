import { authEndpoints } from '@jobwire/contracts';
import type { ServiceHost } from '@jobwire/service-kit';
import type { LoginDeps } from '../login/password-login.service.js';
import { mobileLogin } from './mobile-login.service.js';
import { verifyOtp } from './otp.service.js';
import { sendSmsCode, type SmsDeps } from './sms.service.js';

export async function registerSmsHandlers(host: ServiceHost, sms: SmsDeps, login: LoginDeps): Promise<void> {
  // The users service asks for registration and reset codes once it has checked the mobile.
  await host.endpoint(authEndpoints.smsSend, async ({ mobile, purpose }, ctx) => {
    await sendSmsCode(sms, { mobile, purpose }, ctx);
    return null;
  });
  await host.endpoint(authEndpoints.smsVerify, async ({ mobile, purpose, code }) => ({ valid: await verifyOtp(sms.otp, purpose, mobile, code) }));
  await host.endpoint(authEndpoints.loginMobile, (request, ctx) => mobileLogin({ ...login, otp: sms.otp }, request, ctx));
}

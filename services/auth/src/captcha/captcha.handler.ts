import { AppError, authEndpoints } from '@jobwire/contracts';
import type { ServiceHost } from '@jobwire/service-kit';
import { sendSmsCode, type SmsDeps } from '../sms/sms.service.js';
import { createImageCaptcha, type CaptchaDeps } from './captcha.service.js';

export async function registerCaptchaHandlers(host: ServiceHost, deps: CaptchaDeps, sms: SmsDeps): Promise<void> {
  await host.endpoint(authEndpoints.captchaCreate, async (request, ctx) => {
    if (request.type === 'sms') {
      // The contract requires a mobile for type sms.
      await sendSmsCode(sms, { mobile: request.mobile!, purpose: 'login' }, ctx);
      return true as const;
    }
    if (request.type === 'scan') throw new AppError('FEATURE_DISABLED', 'Scan-to-login is not available on this server yet.');
    if (!deps.enabled) throw new AppError('AUTH_CAPTCHA_DISABLED');
    return createImageCaptcha(deps, request.deviceId ?? request.requestId);
  });
  await host.endpoint(authEndpoints.captchaOpen, async () => deps.enabled);
}

import { AppError, authEndpoints } from '@jobwire/contracts';
import type { ServiceHost } from '@jobwire/service-kit';
import { createImageCaptcha, type CaptchaDeps } from './captcha.service.js';

export async function registerCaptchaHandlers(host: ServiceHost, deps: CaptchaDeps): Promise<void> {
  await host.endpoint(authEndpoints.captchaCreate, async (request) => {
    if (request.type === 'sms') throw new AppError('FEATURE_DISABLED', 'SMS codes are not available on this server yet.');
    if (request.type === 'scan') throw new AppError('FEATURE_DISABLED', 'Scan-to-login is not available on this server yet.');
    if (!deps.enabled) throw new AppError('AUTH_CAPTCHA_DISABLED');
    return createImageCaptcha(deps, request.deviceId ?? request.requestId);
  });
  await host.endpoint(authEndpoints.captchaOpen, async () => deps.enabled);
}

import { AppError, authEndpoints } from '@jobwire/contracts';
import type { ServiceHost } from '@jobwire/service-kit';
import { createScanTicket, type ScanDeps } from '../scan/scan.service.js';
import { sendSmsCode, type SmsDeps } from '../sms/sms.service.js';
import { createImageCaptcha, type CaptchaDeps } from './captcha.service.js';

export async function registerCaptchaHandlers(host: ServiceHost, deps: CaptchaDeps, sms: SmsDeps, scan: ScanDeps): Promise<void> {
  await host.endpoint(authEndpoints.captchaCreate, async (request, ctx) => {
    if (request.type === 'sms') {
      // The contract requires a mobile for type sms.
      await sendSmsCode(sms, { mobile: request.mobile!, purpose: 'login' }, ctx);
      return true as const;
    }
    if (request.type === 'scan') {
      const deviceId = request.deviceId ?? request.requestId;
      if (deviceId === undefined) throw new AppError('VALIDATION_FAILED', 'Invalid request: deviceId: is required for a scan code', { details: [{ path: 'deviceId', message: 'is required for a scan code' }] });
      return createScanTicket(scan, deviceId);
    }
    if (!deps.enabled) throw new AppError('AUTH_CAPTCHA_DISABLED');
    return createImageCaptcha(deps, request.deviceId ?? request.requestId);
  });
  await host.endpoint(authEndpoints.captchaOpen, async () => deps.enabled);
}

import { AppError, authEndpoints } from '@jobwire/contracts';
import type { ServiceHost } from '@jobwire/service-kit';
import { confirmScanTicket, pollScanTicket, type ScanDeps } from './scan.service.js';

export async function registerScanHandlers(host: ServiceHost, deps: ScanDeps): Promise<void> {
  await host.endpoint(authEndpoints.scanPoll, ({ deviceId }) => pollScanTicket(deps, deviceId));
  await host.endpoint(authEndpoints.scanConfirm, async ({ ticket, confirm }, ctx) => {
    if (ctx.userId === undefined) throw new AppError('AUTH_TOKEN_MISSING');
    return confirmScanTicket(deps, ticket, { userId: ctx.userId, tenant: ctx.tenantId ?? null }, confirm);
  });
}

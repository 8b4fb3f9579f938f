import type { RouteDef } from '../http/route.js';
import { adminRoutes } from './admin.routes.js';
import { diagRoutes } from './diag.routes.js';
import { ibpsRoutes } from './ibps.routes.js';
import { openJobRoutes } from './open-job.routes.js';

export { adminRoutes } from './admin.routes.js';
export { diagRoutes } from './diag.routes.js';
export { IBPS_PREFIX, ibpsRoutes } from './ibps.routes.js';
export { openJobRoutes } from './open-job.routes.js';

/** Every HTTP route the gateway serves. */
export const routes: readonly RouteDef[] = [...openJobRoutes, ...ibpsRoutes, ...diagRoutes, ...adminRoutes];

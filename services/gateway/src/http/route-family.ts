import { IBPS_PREFIX, type Family } from '@jobwire/contracts';
export const ADMIN_PREFIX = '/api/';

/** The family a path belongs to, for answers of requests that match no route. */
export function familyForPath(path: string): Family {
  if (path === IBPS_PREFIX || path.startsWith(`${IBPS_PREFIX}/`)) return 'ibps';
  if (path.startsWith(ADMIN_PREFIX)) return 'admin';
  return 'openJob';
}

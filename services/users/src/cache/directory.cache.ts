import type { DirectoryModels, EmployeeDocument, OrgDocument, PositionDocument, RoleDocument } from '../directory/directory.models.js';

export interface DirectoryCache {
  org(id: string): Promise<OrgDocument | null>;
  roles(ids: readonly string[]): Promise<RoleDocument[]>;
  positions(ids: readonly string[]): Promise<PositionDocument[]>;
  employee(id: string): Promise<EmployeeDocument | null>;
}

/**
 * Organisations, roles, positions and employees for the context, remembered for `ttlMs`.
 * Nothing writes them yet but the start-up seed, so the time limit is the only
 * invalidation; an admin API for them must clear this cache as users writes do.
 */
export function createDirectoryCache(directory: DirectoryModels, ttlMs: number): DirectoryCache {
  const entries = new Map<string, { value: unknown; until: number }>();
  const memo = async <T>(key: string, load: () => Promise<T>): Promise<T> => {
    const hit = entries.get(key);
    if (hit !== undefined && hit.until > Date.now()) return hit.value as T;
    const value = await load();
    entries.set(key, { value, until: Date.now() + ttlMs });
    return value;
  };
  return {
    org: (id) => memo(`org:${id}`, () => directory.orgs.findById(id).lean()),
    roles: (ids) => memo(`roles:${[...ids].sort().join(',')}`, () => directory.roles.find({ _id: { $in: [...ids] } }).lean()),
    positions: (ids) => memo(`positions:${ids.join(',')}`, () => directory.positions.find({ _id: { $in: [...ids] } }).lean()),
    employee: (id) => memo(`employee:${id}`, () => directory.employees.findById(id).lean()),
  };
}

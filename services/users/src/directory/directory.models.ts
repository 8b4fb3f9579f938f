import { Schema, type Connection, type Model } from 'mongoose';

/** Tenants, organisations, roles, positions and employees: the directory a user context shows. */
export interface TenantDocument {
  _id: string;
  name: string;
  createTime: Date;
}
export interface OrgDocument {
  _id: string;
  name: string;
  alias: string | null;
  tenantId: string;
  parentId: string | null;
  createTime: Date;
}
export interface RoleDocument {
  _id: string;
  name: string;
  alias: string;
  tenantId: string;
}
export interface PositionDocument {
  _id: string;
  name: string;
  orgId: string | null;
  tenantId: string;
}
/** The person behind an account; shares the user's id. */
export interface EmployeeDocument {
  _id: string;
  name: string;
  orgId: string | null;
  tenantId: string;
  createTime: Date;
}

const options = { versionKey: false } as const;
const tenantSchema = new Schema<TenantDocument>({ _id: String, name: { type: String, required: true }, createTime: { type: Date, required: true } }, { ...options, collection: 'tenants' });
const orgSchema = new Schema<OrgDocument>(
  { _id: String, name: { type: String, required: true }, alias: { type: String, default: null }, tenantId: { type: String, required: true }, parentId: { type: String, default: null }, createTime: { type: Date, required: true } },
  { ...options, collection: 'orgs' },
);
const roleSchema = new Schema<RoleDocument>({ _id: String, name: { type: String, required: true }, alias: { type: String, required: true }, tenantId: { type: String, required: true } }, { ...options, collection: 'roles' });
const positionSchema = new Schema<PositionDocument>(
  { _id: String, name: { type: String, required: true }, orgId: { type: String, default: null }, tenantId: { type: String, required: true } },
  { ...options, collection: 'positions' },
);
const employeeSchema = new Schema<EmployeeDocument>(
  { _id: String, name: { type: String, required: true }, orgId: { type: String, default: null }, tenantId: { type: String, required: true }, createTime: { type: Date, required: true } },
  { ...options, collection: 'employees' },
);

export interface DirectoryModels {
  tenants: Model<TenantDocument>;
  orgs: Model<OrgDocument>;
  roles: Model<RoleDocument>;
  positions: Model<PositionDocument>;
  employees: Model<EmployeeDocument>;
}

export function directoryModels(connection: Connection): DirectoryModels {
  return {
    tenants: connection.model<TenantDocument>('Tenant', tenantSchema),
    orgs: connection.model<OrgDocument>('Org', orgSchema),
    roles: connection.model<RoleDocument>('Role', roleSchema),
    positions: connection.model<PositionDocument>('Position', positionSchema),
    employees: connection.model<EmployeeDocument>('Employee', employeeSchema),
  };
}

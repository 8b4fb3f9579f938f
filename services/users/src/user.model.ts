import { Schema, type Connection, type Model } from 'mongoose';

export type UserStatus = 'active' | 'disabled';

export interface UserDocument {
  _id: string;
  account: string;
  fullName: string | null;
  passwordHash: string;
  mobile?: string | undefined;
  email: string | null;
  gender: string | null;
  status: UserStatus;
  isSuper: boolean;
  tenantId: string | null;
  orgId: string | null;
  roleIds: string[];
  positionIds: string[];
  wecomUserId: string | null;
  lockedUntil: Date | null;
  /** Set when an administrator restored the default password; cleared by a change. */
  passwordExpired?: boolean | undefined;
  createTime: Date;
  updateTime: Date;
}

const userSchema = new Schema<UserDocument>(
  {
    _id: { type: String, required: true },
    account: { type: String, required: true, unique: true },
    fullName: { type: String, default: null },
    passwordHash: { type: String, required: true },
    // Absent (not null) when unknown: the unique index is sparse, because FerretDB v1 has
    // no partial indexes, and a sparse index still indexes explicit nulls.
    mobile: { type: String },
    email: { type: String, default: null },
    gender: { type: String, default: null },
    status: { type: String, enum: ['active', 'disabled'], default: 'active' },
    isSuper: { type: Boolean, default: false },
    tenantId: { type: String, default: null },
    orgId: { type: String, default: null },
    roleIds: { type: [String], default: [] },
    positionIds: { type: [String], default: [] },
    wecomUserId: { type: String, default: null },
    lockedUntil: { type: Date, default: null },
    passwordExpired: { type: Boolean, default: false },
  },
  { collection: 'users', timestamps: { createdAt: 'createTime', updatedAt: 'updateTime' }, versionKey: false },
);
userSchema.index({ mobile: 1 }, { unique: true, sparse: true });

/** Called after any write to users through a connection, so read caches can forget what they hold. */
const writeListeners = new Set<{ connection: Connection; listener: () => void }>();
export function onUserWrite(connection: Connection, listener: () => void): () => void {
  const entry = { connection, listener };
  writeListeners.add(entry);
  return () => writeListeners.delete(entry);
}
const notifyWrite = (connection: Connection) => {
  for (const entry of writeListeners) if (entry.connection === connection) entry.listener();
};
userSchema.post(['updateOne', 'updateMany', 'deleteOne', 'deleteMany', 'findOneAndUpdate', 'findOneAndDelete', 'replaceOne'], function onQueryWrite() {
  notifyWrite(this.model.db);
});
userSchema.post('save', function onSave() {
  notifyWrite(this.$model().db);
});
userSchema.post('insertMany', function onInsertMany() {
  notifyWrite(this.db);
});
userSchema.index({ wecomUserId: 1 });

export type UserModel = Model<UserDocument>;

export function userModel(connection: Connection): UserModel {
  return connection.model<UserDocument>('User', userSchema);
}

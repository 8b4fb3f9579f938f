import { Schema, type Connection, type Model } from 'mongoose';

/**
 * One document per failed password login. Failures are inserted, never counted with
 * `$inc`: inserts are atomic on FerretDB too, so parallel guesses cannot lose counts.
 */
export interface LoginFailureDocument {
  userId: string;
  at: Date;
}

const loginFailureSchema = new Schema<LoginFailureDocument>(
  { userId: { type: String, required: true }, at: { type: Date, required: true } },
  { collection: 'login_failures', versionKey: false },
);
loginFailureSchema.index({ userId: 1, at: 1 });

export type LoginFailureModel = Model<LoginFailureDocument>;

export function loginFailureModel(connection: Connection): LoginFailureModel {
  return connection.model<LoginFailureDocument>('LoginFailure', loginFailureSchema);
}

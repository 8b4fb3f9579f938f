import { Schema, type Connection, type Model } from 'mongoose';

/** A third-party OAuth client. The secret is kept as a bcrypt hash only. */
export interface ClientDocument {
  _id: string;
  name: string;
  secretHash: string;
  createTime: Date;
}

const clientSchema = new Schema<ClientDocument>(
  { _id: { type: String, required: true }, name: { type: String, required: true }, secretHash: { type: String, required: true }, createTime: { type: Date, required: true } },
  { collection: 'clients', versionKey: false },
);

export type ClientModel = Model<ClientDocument>;

export function clientModel(connection: Connection): ClientModel {
  return connection.model<ClientDocument>('Client', clientSchema);
}

import { Schema, type Connection, type Model } from 'mongoose';

export interface RegistrationDocument {
  _id: string;
  userId: string;
  fullName: string;
  gender: string | null;
  mobile: string;
  company: string | null;
  area: string | null;
  status: string;
  createTime: Date;
}

const registrationSchema = new Schema<RegistrationDocument>(
  {
    _id: { type: String, required: true },
    userId: { type: String, required: true },
    fullName: { type: String, required: true },
    gender: { type: String, default: null },
    mobile: { type: String, required: true, unique: true },
    company: { type: String, default: null },
    area: { type: String, default: null },
    status: { type: String, default: 'registered' },
    createTime: { type: Date, required: true },
  },
  { collection: 'registrations', versionKey: false },
);

export type RegistrationModel = Model<RegistrationDocument>;

export function registrationModel(connection: Connection): RegistrationModel {
  return connection.model<RegistrationDocument>('Registration', registrationSchema);
}

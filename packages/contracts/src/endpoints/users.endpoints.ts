import { z } from 'zod';
import { defineEndpoint } from '../nats/endpoint.js';
import { subjects } from '../nats/subjects.js';
import { SendSmsQuerySchema } from '../schemas/auth.schema.js';
import { NullSchema } from '../schemas/common.schema.js';
import {
  AccountSummarySchema,
  ChangePasswordBodySchema,
  ClientCreateBodySchema,
  ClientCreatedSchema,
  ClientListSchema,
  ClientVerifyRequestSchema,
  ClientVerifyResponseSchema,
  ContextDefaultQuerySchema,
  ContextQuerySchema,
  CredentialsVerifyRequestSchema,
  CredentialsVerifyResponseSchema,
  CurrentUserSchema,
  FindByMobileRequestSchema,
  FindByWecomRequestSchema,
  GetUserRequestSchema,
  MaybeAccountSchema,
  NewAccountSchema,
  RegisterBodySchema,
  RegistrationQuerySchema,
  RegistrationSchema,
  UnlockQuerySchema,
  UserContextSchema,
} from '../schemas/users.schema.js';

const Empty = z.object({});

export const usersEndpoints = {
  currentUser: defineEndpoint(subjects.users.currentUser, Empty, CurrentUserSchema),
  contextGet: defineEndpoint(subjects.users.contextGet, ContextQuerySchema, UserContextSchema),
  contextDefault: defineEndpoint(subjects.users.contextDefault, ContextDefaultQuerySchema, UserContextSchema),
  registrationOpen: defineEndpoint(subjects.users.registrationOpen, Empty, z.boolean()),
  registrationGet: defineEndpoint(subjects.users.registrationGet, RegistrationQuerySchema, RegistrationSchema.nullable()),
  register: defineEndpoint(subjects.users.register, RegisterBodySchema, NewAccountSchema),
  passwordReset: defineEndpoint(subjects.users.passwordReset, RegisterBodySchema, NullSchema),
  passwordChange: defineEndpoint(subjects.users.passwordChange, ChangePasswordBodySchema, NullSchema),
  unlock: defineEndpoint(subjects.users.unlock, UnlockQuerySchema, NullSchema),
  credentialsVerify: defineEndpoint(subjects.users.credentialsVerify, CredentialsVerifyRequestSchema, CredentialsVerifyResponseSchema),
  findByMobile: defineEndpoint(subjects.users.findByMobile, FindByMobileRequestSchema, MaybeAccountSchema),
  findByWecom: defineEndpoint(subjects.users.findByWecom, FindByWecomRequestSchema, MaybeAccountSchema),
  createForWecom: defineEndpoint(subjects.users.createForWecom, FindByWecomRequestSchema, AccountSummarySchema),
  smsSend: defineEndpoint(subjects.users.smsSend, SendSmsQuerySchema, NullSchema),
  getById: defineEndpoint(subjects.users.getById, GetUserRequestSchema, MaybeAccountSchema),
  clientCreate: defineEndpoint(subjects.users.clientCreate, ClientCreateBodySchema, ClientCreatedSchema),
  clientList: defineEndpoint(subjects.users.clientList, Empty, ClientListSchema),
  clientVerify: defineEndpoint(subjects.users.clientVerify, ClientVerifyRequestSchema, ClientVerifyResponseSchema),
} as const;

import { z } from 'zod';
import { defineEndpoint } from '../nats/endpoint.js';
import { subjects } from '../nats/subjects.js';
import { TrueSchema } from '../schemas/common.schema.js';
import {
  ExecutorListSchema,
  IdBodySchema,
  IdsBodySchema,
  JobCreateBodySchema,
  JobCreatedSchema,
  JobDeleteRequestSchema,
  JobPageQuerySchema,
  JobPageSchema,
  JobSchema,
  JobUpdateBodySchema,
  NextTriggerQuerySchema,
  NextTriggerTimesSchema,
  RunPageQuerySchema,
  RunPageSchema,
  RunSchema,
} from '../schemas/jobs.schema.js';

export const jobsEndpoints = {
  page: defineEndpoint(subjects.jobs.page, JobPageQuerySchema, JobPageSchema),
  info: defineEndpoint(subjects.jobs.info, IdBodySchema, JobSchema),
  create: defineEndpoint(subjects.jobs.create, JobCreateBodySchema, JobCreatedSchema),
  update: defineEndpoint(subjects.jobs.update, JobUpdateBodySchema, TrueSchema),
  delete: defineEndpoint(subjects.jobs.delete, JobDeleteRequestSchema, TrueSchema),
  start: defineEndpoint(subjects.jobs.start, IdBodySchema, TrueSchema),
  stop: defineEndpoint(subjects.jobs.stop, IdBodySchema, TrueSchema),
  run: defineEndpoint(subjects.jobs.run, IdBodySchema, TrueSchema),
  nextTriggerTime: defineEndpoint(subjects.jobs.nextTriggerTime, NextTriggerQuerySchema, NextTriggerTimesSchema),
  runPage: defineEndpoint(subjects.jobs.runPage, RunPageQuerySchema, RunPageSchema),
  runInfo: defineEndpoint(subjects.jobs.runInfo, IdBodySchema, RunSchema),
  runDelete: defineEndpoint(subjects.jobs.runDelete, IdsBodySchema, TrueSchema),
  executors: defineEndpoint(subjects.jobs.executors, z.object({}), ExecutorListSchema),
} as const;

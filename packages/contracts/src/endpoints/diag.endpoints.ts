import { z } from 'zod';
import { defineEndpoint } from '../nats/endpoint.js';
import { subjects } from '../nats/subjects.js';

export const EchoRequestSchema = z.object({ message: z.string().max(1024, 'must be at most 1024 characters').optional() });
export const EchoResponseSchema = z.object({ message: z.string(), at: z.string() });

/** A trivial endpoint for diagnostics and the gateway benchmark. */
export const diagEndpoints = {
  echo: defineEndpoint(subjects.diag.echo, EchoRequestSchema, EchoResponseSchema),
} as const;

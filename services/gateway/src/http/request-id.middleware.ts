import { randomUUID } from 'node:crypto';
import type { RequestHandler } from 'express';
import { familyForPath } from './route-family.js';
import type { RequestLocals } from './envelope.responder.js';

const ACCEPTABLE_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** Takes the caller's `x-request-id` when it is sane, else makes one; echoes it back. */
export const requestIdMiddleware: RequestHandler = (req, res, next) => {
  const incoming = req.headers['x-request-id'];
  const requestId = typeof incoming === 'string' && ACCEPTABLE_ID.test(incoming) ? incoming : randomUUID();
  const l = res.locals as RequestLocals;
  l.requestId = requestId;
  l.startedAt = process.hrtime.bigint();
  l.family = familyForPath(req.path);
  l.routeId = 'unmatched';
  res.setHeader('x-request-id', requestId);
  next();
};

import type { Response } from 'express';
import type { Presenter } from '../http/route.binding.js';

/**
 * `POST /openJob/save` answers `true` as Open-Job did; the new id goes in the
 * `Location` header (and in the `jobs.job.created` event).
 */
const saveJob: Presenter = (result: unknown, res: Response) => {
  const id = (result as { id?: unknown } | null)?.id;
  if (typeof id === 'string') res.setHeader('Location', `/openJob/info/${encodeURIComponent(id)}`);
  return true;
};

export const openJobPresenters: ReadonlyArray<readonly [string, Presenter]> = [['openJob.save', saveJob]];

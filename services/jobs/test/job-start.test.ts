import { connectNats, createEventPublisher, createIdGenerator, type NatsConnection } from '@jobwire/service-kit';
import { createAgendaOnMongo } from '@jobwire/scheduling';
import mongoose, { type Connection } from 'mongoose';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testServers, uniqueDatabaseName } from '../../../tests/harness/index.js';
import { startReplyCutter, type ReplyCutter } from '../../../tests/harness/reply.cutter.js';
import { createJob, startJob, type JobCommandDeps } from '../src/jobs/job.commands.js';
import { jobModel } from '../src/jobs/job.model.js';
import { createScheduleStore, FIRE_JOB } from '../src/schedule/schedule.store.js';

const logger = pino({ level: 'silent' });

describe('starting a job while the database drops an answer', () => {
  const dbName = uniqueDatabaseName('start');
  let cutter: ReplyCutter;
  let connection: Connection;
  let nc: NatsConnection;
  let deps: JobCommandDeps;

  beforeAll(async () => {
    const target = new URL(testServers().mongoUrl);
    cutter = await startReplyCutter({ host: target.hostname, port: Number(target.port) });
    connection = await mongoose.createConnection(`${cutter.url}/${dbName}?directConnection=true`, { retryWrites: false, serverSelectionTimeoutMS: 5000 }).asPromise();
    nc = await connectNats({ url: testServers().natsUrl, name: 'job-start-test', logger });
    const db = connection.getClient().db(`${dbName}_schedule`);
    const agenda = createAgendaOnMongo({ db, name: 'job-start-test', jobsCollection: 'agendaJobs' });
    const events = createEventPublisher(nc, { source: 'jobwire/test', logger });
    await events.ensureStream();
    deps = {
      jobs: jobModel(connection),
      cache: { invalidate: () => undefined },
      schedules: createScheduleStore(agenda, db.collection('agendaJobs')),
      events,
      ids: createIdGenerator('job-start-test'),
      defaultTimeZone: 'UTC',
      defaultTimeoutSeconds: 60,
    };
  });

  afterAll(async () => {
    await connection?.getClient().db(`${dbName}_schedule`).dropDatabase();
    await connection?.dropDatabase();
    await connection?.close();
    await nc?.close();
    await cutter?.close();
  });

  it('leaves the job started with its schedule when the status write landed without its answer', async () => {
    const { id } = await createJob(deps, { jobName: 'lost answer', handlerName: 'echo', cronExpression: '0 0 * * * ?' }, 'u1');
    const cut = cutter.cutNextReply(['update', 'jobs', id]);
    await startJob(deps, id, 'u1');
    await cut;
    const job = await deps.jobs.findById(id).lean();
    const schedules = await connection.getClient().db(`${dbName}_schedule`).collection('agendaJobs').countDocuments({ name: FIRE_JOB, 'data.jobId': id });
    expect({ status: job?.status, schedules }).toEqual({ status: 1, schedules: 1 });
  }, 30_000);
});

import type { AgendaBackend, JobParameters, JobRepository } from 'agenda';
import { MongoClient, type Collection } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseUrl, uniqueDatabaseName } from '../../../tests/harness/index.js';
import { claimingBackend, createClaimStore, lockedDueAt, type ClaimDocument } from '../src/index.js';

/** An Agenda repository whose lock always "succeeds", as FerretDB's non-atomic update can. */
function alwaysLockingRepository(job: JobParameters): JobRepository {
  const unused = () => Promise.reject(new Error('not used in this test'));
  return {
    connect: () => Promise.resolve(),
    queryJobs: unused,
    getJobsOverview: unused,
    getDistinctJobNames: unused,
    getJobById: unused,
    getQueueSize: unused,
    removeJobs: unused,
    saveJob: unused,
    saveJobState: unused,
    lockJob: (wanted) => Promise.resolve({ ...wanted, lockedAt: new Date() }),
    unlockJob: unused,
    unlockJobs: unused,
    getNextJobToRun: () => Promise.resolve({ ...job, lockedAt: new Date() }),
    disableJobs: unused,
    enableJobs: unused,
    purgeAllJobs: unused,
  };
}

function backendFor(repository: JobRepository): AgendaBackend {
  return { name: 'stub', repository, connect: () => Promise.resolve(), disconnect: () => Promise.resolve() };
}

describe('claimingBackend', () => {
  const dbName = uniqueDatabaseName('claims');
  let client: MongoClient;
  let claims: Collection<ClaimDocument>;

  beforeAll(async () => {
    client = await new MongoClient(databaseUrl(dbName)).connect();
    claims = client.db(dbName).collection<ClaimDocument>('claims');
  });
  afterAll(async () => {
    await client?.db(dbName).dropDatabase();
    await client?.close();
  });

  const job = (id: string, due: Date): JobParameters => ({ _id: id, name: 'j', nextRunAt: due, priority: 0, type: 'normal', data: {} }) as JobParameters;

  it('when several callers lock the same fire, then exactly one gets the job', async () => {
    const due = new Date('2026-01-01T00:00:00Z');
    const repos = Array.from({ length: 6 }, () => claimingBackend(backendFor(alwaysLockingRepository(job('a1', due))), { claims, lockLifetimeMs: 60_000 }).repository);
    const results = await Promise.all(repos.map((r, i) => (i % 2 === 0 ? r.lockJob(job('a1', due), undefined) : r.getNextJobToRun('j', due, due, due, undefined))));
    expect(results.filter((r) => r !== undefined)).toHaveLength(1);
  });

  it('treats the next fire of the same job as a new claim', async () => {
    const repo = claimingBackend(backendFor(alwaysLockingRepository(job('b1', new Date(0)))), { claims, lockLifetimeMs: 60_000 }).repository;
    expect(await repo.lockJob(job('b1', new Date(1000)), undefined)).toBeDefined();
    expect(await repo.lockJob(job('b1', new Date(2000)), undefined)).toBeDefined();
    expect(await repo.lockJob(job('b1', new Date(2000)), undefined)).toBeUndefined();
  });

  it('when the holder of a claim crashed and its lock lifetime passed, then another instance takes the fire over', async () => {
    let clock = new Date('2026-02-01T00:00:00Z');
    const due = new Date('2026-02-01T00:00:00Z');
    const options = { claims, lockLifetimeMs: 1000, now: () => clock };
    const first = claimingBackend(backendFor(alwaysLockingRepository(job('c1', due))), options).repository;
    const second = claimingBackend(backendFor(alwaysLockingRepository(job('c1', due))), options).repository;
    expect(await first.lockJob(job('c1', due), undefined)).toBeDefined();
    expect(await second.lockJob(job('c1', due), undefined)).toBeUndefined();
    clock = new Date(clock.getTime() + 1500);
    expect(await second.lockJob(job('c1', due), undefined)).toBeDefined();
  });

  describe('run mode (the handler claims the fire)', () => {
    it('stamps the due time on the locked job and does not claim it', async () => {
      const due = new Date('2026-03-01T00:00:00Z');
      const repo = claimingBackend(backendFor(alwaysLockingRepository(job('d1', due))), { claims, lockLifetimeMs: 60_000, claimAt: 'run' }).repository;
      const locked = await repo.getNextJobToRun('j', due, due, due, undefined);
      expect(lockedDueAt(locked?.data)).toEqual(due);
      expect(await claims.countDocuments({ _id: { $regex: /^d1@/ } })).toBe(0);
    });

    it('passes over a job it already holds, and one another instance is running', async () => {
      const due = new Date('2026-03-02T00:00:00Z');
      const held = claimingBackend(backendFor(alwaysLockingRepository(job('e1', due))), { claims, lockLifetimeMs: 60_000, claimAt: 'run' }).repository;
      expect(await held.lockJob(job('e1', due), undefined)).toBeDefined();
      // FerretDB may hand the same document to a second lock of the same instance.
      expect(await held.lockJob(job('e1', due), undefined)).toBeUndefined();
      const running = { ...job('e2', due), nextRunAt: null, lastRunAt: new Date() } as JobParameters;
      const other = claimingBackend(backendFor(alwaysLockingRepository(running)), { claims, lockLifetimeMs: 60_000, claimAt: 'run' }).repository;
      expect(await other.lockJob(running, undefined)).toBeUndefined();
      // Its runner died longer than a lock lifetime ago: recovered, stamped with that run's start.
      const started = new Date(Date.now() - 120_000);
      const abandoned = { ...job('e3', due), nextRunAt: null, lastRunAt: started } as JobParameters;
      const recovering = claimingBackend(backendFor(alwaysLockingRepository(abandoned)), { claims, lockLifetimeMs: 60_000, claimAt: 'run' }).repository;
      expect(lockedDueAt((await recovering.lockJob(abandoned, undefined))?.data)).toEqual(started);
    });

    it('reads due jobs from the collection, never writes a lock on a job it refuses, and forgets a hold after a lock lifetime', async () => {
      const jobs = client.db(dbName).collection('agendaJobs');
      const due = new Date('2026-03-04T00:00:00Z');
      const { insertedId } = await jobs.insertOne({ name: 'batch', nextRunAt: due, lockedAt: null, disabled: false, priority: 0, type: 'normal', data: {} });
      let clock = new Date(due.getTime() - 500);
      const repo = claimingBackend(backendFor(alwaysLockingRepository(job('unused', due))), { claims, jobs, lockLifetimeMs: 60_000, claimAt: 'run', now: () => clock }).repository;
      const scanTo = new Date(due.getTime() + 5000);
      const locked = await repo.getNextJobToRun('batch', scanTo, new Date(0), clock, undefined);
      expect(String(locked?._id)).toBe(insertedId.toHexString());
      expect(lockedDueAt(locked?.data)).toEqual(due);
      expect((await jobs.findOne({ _id: insertedId }))?.lockedAt).toEqual(clock);
      // The fill that read it is over.
      expect(await repo.getNextJobToRun('batch', scanTo, new Date(0), clock, undefined)).toBeUndefined();
      // Another instance ran the fire and saved the job; this one still holds it and must
      // leave the job unlocked for the others, not lock it again and sit on it.
      await jobs.updateOne({ _id: insertedId }, { $set: { lockedAt: null } });
      expect(await repo.getNextJobToRun('batch', scanTo, new Date(0), clock, undefined)).toBeUndefined();
      expect((await jobs.findOne({ _id: insertedId }))?.lockedAt).toBeNull();
      // Agenda dropped the fire without saving it: after a lock lifetime the hold is gone.
      clock = new Date(clock.getTime() + 61_000);
      expect(String((await repo.getNextJobToRun('batch', new Date(clock.getTime() + 5000), new Date(0), clock, undefined))?._id)).toBe(insertedId.toHexString());
    });

    it('gives a claim that is never taken over to exactly one of many callers', async () => {
      let clock = new Date('2026-03-03T00:00:00Z');
      const store = createClaimStore({ claims, lockLifetimeMs: 1000, noTakeover: true, now: () => clock });
      const results = await Promise.all(Array.from({ length: 8 }, () => store.claim('f1@2026-03-03T00:00:00.000Z')));
      expect(results.filter(Boolean)).toHaveLength(1);
      clock = new Date(clock.getTime() + 60_000);
      expect(await store.claim('f1@2026-03-03T00:00:00.000Z')).toBe(false);
    });
  });
});

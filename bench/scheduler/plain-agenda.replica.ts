/**
 * bench/scheduler (a): one replica of plain Agenda 6 with its default settings, running
 * the bench handler in-process. Every handler start is reported on NATS `bench.fire`
 * with the time the fire was due (read when Agenda locked it; Agenda clears nextRunAt
 * before the handler runs).
 */
import { MongoBackend } from '@agendajs/mongo-backend';
import { connect } from '@nats-io/transport-node';
import { Agenda, type AgendaBackend, type JobParameters } from 'agenda';
import { MongoClient } from 'mongodb';

const mongoUrl = process.env.MONGO_URL ?? '';
const natsUrl = process.env.NATS_URL ?? '';
const replica = process.env.REPLICA ?? 'a';

const client = await MongoClient.connect(mongoUrl, { retryWrites: false });
const nc = await connect({ servers: natsUrl });
const dueById = new Map<string, number>();

/** Records each locked job's due time; changes nothing else. */
function recordingBackend(inner: AgendaBackend): AgendaBackend {
  const repo = inner.repository;
  const remember = (job: JobParameters | undefined) => {
    if (job?._id !== undefined && job.nextRunAt instanceof Date) dueById.set(String(job._id), job.nextRunAt.getTime());
    return job;
  };
  return {
    ...inner,
    name: inner.name,
    connect: () => inner.connect(),
    disconnect: () => inner.disconnect(),
    repository: new Proxy(repo, {
      get(target, property, receiver) {
        if (property === 'getNextJobToRun') {
          return async (...args: Parameters<typeof repo.getNextJobToRun>) => remember(await target.getNextJobToRun(...args));
        }
        if (property === 'lockJob') {
          return async (...args: Parameters<typeof repo.lockJob>) => remember(await target.lockJob(...args));
        }
        const value: unknown = Reflect.get(target, property, receiver);
        return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
      },
    }),
  };
}

const agenda = new Agenda({ backend: recordingBackend(new MongoBackend({ mongo: client.db() })), name: `plain-${replica}` });
const report = (name: string, job: { attrs: { _id?: unknown; data: unknown } }) => {
  const start = Date.now();
  const id = String(job.attrs._id);
  const due = dueById.get(id) ?? start;
  nc.publish('bench.fire', JSON.stringify({ key: (job.attrs.data as { key: string }).key, kind: name, due, start, replica }));
  return Promise.resolve();
};
agenda.define('tick', (job) => report('tick', job));
agenda.define('once', (job) => report('once', job));
await agenda.start();
nc.publish('bench.ready', replica);
process.on('SIGTERM', () => {
  void (async () => {
    await agenda.stop();
    await nc.drain();
    await client.close();
    process.exit(0);
  })();
});

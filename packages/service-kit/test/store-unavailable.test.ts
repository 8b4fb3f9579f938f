import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startIsolatedFerretDb, type IsolatedServer } from '../../../tests/harness/index.js';
import { connectMongo, isStoreUnavailable, retryWhileStoreUnavailable, type Connection } from '../src/index.js';

const logger = pino({ level: 'silent' });
let ferretdb: IsolatedServer;
let db: Connection;

beforeAll(async () => {
  ferretdb = await startIsolatedFerretDb();
  db = await connectMongo({ url: `${ferretdb.url}/store_unavailable`, logger, serverSelectionTimeoutMs: 1000 });
});

afterAll(async () => {
  await db?.close();
  await ferretdb?.stop();
});

describe('a database out of reach', () => {
  it('is told apart from a wrong request, and a retried write lands once it is back', async () => {
    const items = db.collection('items');
    await items.insertOne({ _id: 'a' } as never);
    const duplicate = await items.insertOne({ _id: 'a' } as never).catch((error: unknown) => error);
    expect(isStoreUnavailable(duplicate)).toBe(false);

    await ferretdb.down();
    const away = await items.findOne({ _id: 'a' } as never, { maxTimeMS: 500 }).catch((error: unknown) => error);
    expect(away).toBeInstanceOf(Error);
    expect(isStoreUnavailable(away), String(away)).toBe(true);

    const started = Date.now();
    const written = retryWhileStoreUnavailable(() => items.insertOne({ _id: 'b' } as never), 20_000);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    await ferretdb.up();
    await written;
    expect(Date.now() - started).toBeGreaterThan(1000);
    expect(await items.countDocuments({})).toBe(2);
    // Given no time, a write fails at once.
    await ferretdb.down();
    await expect(retryWhileStoreUnavailable(() => items.insertOne({ _id: 'c' } as never), 0)).rejects.toSatisfy(isStoreUnavailable);
    await ferretdb.up();
  }, 60_000);
});

/**
 * FerretDB v1's own _id index does not serve its _id lookups; the launcher in
 * tools/ferretdb adds one that does. A timing comparison, so it runs in the serial group
 * (vitest.config.ts), not beside the rest of the suite.
 */
import { randomUUID } from 'node:crypto';
import { MongoClient } from 'mongodb';
import { afterAll, describe, expect, it } from 'vitest';
import { databaseUrl, uniqueDatabaseName } from '../harness/index.js';

const dbName = uniqueDatabaseName('ids');
const url = databaseUrl(dbName);

afterAll(async () => {
  const client = await new MongoClient(url).connect();
  await client.db(dbName).dropDatabase();
  await client.close();
});

describe('lookups by _id', () => {
  // FerretDB v1's own _id index does not serve its lookups; the launcher in tools/ferretdb
  // adds one that does. Without it, each lookup below reads the whole collection.
  it('find, update and delete a document by _id in about the same time in a large collection as in a small one', async () => {
    const client = await new MongoClient(url).connect();
    try {
      const db = client.db(dbName);
      const fill = async (name: string, size: number) => {
        const collection = db.collection<{ _id: string; n: number; pad: string }>(name);
        for (let offset = 0; offset < size; offset += 1000) {
          await collection.insertMany(Array.from({ length: Math.min(1000, size - offset) }, (_, i) => ({ _id: `d${offset + i}`, n: offset + i, pad: 'x'.repeat(200) })));
        }
        return collection;
      };
      const sizes = { small: 100, large: 30_000 };
      const names = { small: `ids_small_${randomUUID().slice(0, 8)}`, large: `ids_large_${randomUUID().slice(0, 8)}` };
      // As services do at start-up, the collections exist before their data: the launcher
      // indexes a new table at its next scan, which for an empty table takes no time.
      await db.createCollection(names.small);
      await db.createCollection(names.large);
      await new Promise((resolve) => setTimeout(resolve, 1500));
      const small = await fill(names.small, sizes.small);
      const large = await fill(names.large, sizes.large);
      const lookup = async (collection: typeof small, size: number, i: number): Promise<number> => {
        const id = `d${size - i}`;
        const started = performance.now();
        expect(await collection.findOne({ _id: id })).toMatchObject({ n: size - i });
        expect((await collection.updateOne({ _id: id }, { $set: { n: -1 } })).modifiedCount).toBe(1);
        expect((await collection.deleteOne({ _id: id })).deletedCount).toBe(1);
        return performance.now() - started;
      };
      const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
      // The launcher indexes new collections at its next scan (every quarter second; later
      // when the machine is busy): measure until the lookups are fast, for up to 20 s.
      // Interleaved, and compared by medians, so load from other test files hits both alike.
      let ratio = Infinity;
      let next = 1;
      for (const deadline = Date.now() + 20_000; ratio >= 10 && Date.now() < deadline; ) {
        const times = { small: [] as number[], large: [] as number[] };
        for (let round = 0; round < 15; round += 1, next += 1) {
          times.small.push(await lookup(small, sizes.small, next));
          times.large.push(await lookup(large, sizes.large, next));
        }
        ratio = median(times.large) / median(times.small);
        if (ratio >= 10) await new Promise((resolve) => setTimeout(resolve, 1000));
      }
      // Through the index, 300 times the documents cost about the same; by a table scan
      // some 70 times more.
      expect(ratio).toBeLessThan(10);
    } finally {
      await client.close();
    }
  }, 90_000);
});

import type { Connection } from 'mongoose';
import { Schema } from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseUrl, uniqueDatabaseName } from '../../../tests/harness/index.js';
import { closeMongo, connectMongo, createLogger, deleteByIds, findByIds } from '../src/index.js';

interface Item {
  _id: string;
  n: number;
  label: string;
}

let connection: Connection;

beforeAll(async () => {
  connection = await connectMongo({ url: databaseUrl(uniqueDatabaseName('by_ids')), logger: createLogger({ name: 'kit-test', level: 'silent' }) });
});

afterAll(async () => {
  await connection?.dropDatabase();
  await closeMongo(connection);
});

describe('findByIds and deleteByIds on the database', () => {
  it('read and delete exactly the named documents, over more ids than are sent at once', async () => {
    const Items = connection.model<Item>('Item', new Schema<Item>({ _id: String, n: Number, label: String }, { versionKey: false }));
    await Items.insertMany(Array.from({ length: 130 }, (_, n) => ({ _id: `i${n}`, n, label: `item ${n}` })));
    // 120 ids, some missing, in an order of their own: three batches.
    const wanted = Array.from({ length: 120 }, (_, k) => (k % 10 === 9 ? `missing${k}` : `i${129 - k}`));
    const found = await findByIds(Items, wanted, { _id: 1, n: 1 });
    const present = wanted.filter((id) => !id.startsWith('missing'));
    expect(found.map((item) => item._id)).toEqual(present);
    expect(found[0]).toEqual({ _id: 'i129', n: 129 });

    expect(await deleteByIds(Items, wanted)).toBe(present.length);
    const left = (await Items.find({}, { _id: 1 }).lean()).map((item) => item._id).sort();
    const expected = Array.from({ length: 130 }, (_, n) => `i${n}`).filter((id) => !present.includes(id)).sort();
    expect(left).toEqual(expected);
    expect(await deleteByIds(Items, wanted)).toBe(0);
  });
});

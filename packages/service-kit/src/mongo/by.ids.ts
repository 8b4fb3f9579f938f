import type { Model } from 'mongoose';

/** Lookups by `_id` sent at once, at most this many. */
const AT_ONCE = 50;

async function inBatches<R>(ids: readonly string[], each: (id: string) => Promise<R>): Promise<R[]> {
  const results: R[] = [];
  for (let start = 0; start < ids.length; start += AT_ONCE) results.push(...(await Promise.all(ids.slice(start, start + AT_ONCE).map(each))));
  return results;
}

/**
 * Each of `ids` read by its `_id`, in the order of `ids` (null where there is none).
 * FerretDB hands only a bare `_id` equality to its storage (a `$in` reads the whole
 * collection, docs/ferretdb-gaps.md); on MongoDB each is an index lookup too.
 */
export async function findEachById<T>(model: Model<T>, ids: readonly string[], projection?: Record<string, 0 | 1>): Promise<(T | null)[]> {
  return inBatches(ids, (id) => model.findById(id, projection).lean<T>().exec());
}

/** The documents among `ids`, read one `_id` at a time (see findEachById); missing ids are left out. */
export async function findByIds<T>(model: Model<T>, ids: readonly string[], projection?: Record<string, 0 | 1>): Promise<T[]> {
  return (await findEachById(model, ids, projection)).filter((doc): doc is NonNullable<typeof doc> => doc !== null);
}

/** Deletes the documents among `ids`, one `_id` at a time (see findEachById); answers how many went. */
export async function deleteByIds<T>(model: Model<T>, ids: readonly string[]): Promise<number> {
  const results = await inBatches(ids, (id) => model.deleteOne({ _id: id } as never).exec());
  return results.reduce((total, result) => total + result.deletedCount, 0);
}

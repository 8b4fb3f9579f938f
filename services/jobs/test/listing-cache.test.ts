import { describe, expect, it } from 'vitest';
import { createListingCache } from '../src/paging/listing.cache.js';

function clock() {
  let time = 1_000_000;
  return { now: () => time, advance: (ms: number) => (time += ms) };
}

function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (error: Error) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

describe('listing cache', () => {
  it('answers callers asking at the same time with one load, and keeps the answer for the max age', async () => {
    const time = clock();
    const cache = createListingCache({ maxAgeMs: { jobs: 5000, runs: 1000 }, now: time.now });
    let loads = 0;
    const pending = deferred<string>();
    const load = () => {
      loads += 1;
      return pending.promise;
    };
    const first = cache.get('runs', 'page 1', load);
    const second = cache.get('runs', 'page 1', load);
    pending.resolve('answer');
    expect(await Promise.all([first, second])).toEqual(['answer', 'answer']);
    time.advance(999);
    expect(await cache.get('runs', 'page 1', () => Promise.resolve('newer'))).toBe('answer');
    expect(loads).toBe(1);
    time.advance(1);
    expect(await cache.get('runs', 'page 1', () => Promise.resolve('newer'))).toBe('newer');
    expect(await cache.get('runs', 'page 2', () => Promise.resolve('other'))).toBe('other');
  });

  it('ages an answer from when its load began', async () => {
    const time = clock();
    const cache = createListingCache({ maxAgeMs: { jobs: 5000, runs: 1000 }, now: time.now });
    const slow = deferred<string>();
    const first = cache.get('runs', 'k', () => slow.promise);
    time.advance(1500);
    slow.resolve('old');
    await first;
    expect(await cache.get('runs', 'k', () => Promise.resolve('fresh'))).toBe('fresh');
  });

  it('forgets a kind on clear, including a load under way, and leaves the other kind', async () => {
    const time = clock();
    const cache = createListingCache({ maxAgeMs: { jobs: 5000, runs: 1000 }, now: time.now });
    await cache.get('runs', 'k', () => Promise.resolve('run page'));
    const loading = deferred<string>();
    const before = cache.get('jobs', 'k', () => loading.promise);
    cache.clear('jobs');
    const after = cache.get('jobs', 'k', () => Promise.resolve('after the change'));
    loading.resolve('before the change');
    expect(await before).toBe('before the change');
    expect(await after).toBe('after the change');
    expect(await cache.get('jobs', 'k', () => Promise.resolve('again'))).toBe('after the change');
    expect(await cache.get('runs', 'k', () => Promise.resolve('reloaded'))).toBe('run page');
  });

  it('keeps no failure, and a max age of 0 loads every time', async () => {
    const time = clock();
    const cache = createListingCache({ maxAgeMs: { jobs: 0, runs: 1000 }, now: time.now });
    await expect(cache.get('runs', 'k', () => Promise.reject(new Error('timed out')))).rejects.toThrow('timed out');
    expect(await cache.get('runs', 'k', () => Promise.resolve('second try'))).toBe('second try');
    let loads = 0;
    const load = () => Promise.resolve((loads += 1));
    await cache.get('jobs', 'k', load);
    await cache.get('jobs', 'k', load);
    expect(loads).toBe(2);
  });

  it('holds at most maxEntries answers per kind, dropping the oldest', async () => {
    const time = clock();
    const cache = createListingCache({ maxAgeMs: { jobs: 5000, runs: 5000 }, maxEntries: 2, now: time.now });
    for (const key of ['a', 'b', 'c']) await cache.get('jobs', key, () => Promise.resolve(`${key}1`));
    expect(await cache.get('jobs', 'a', () => Promise.resolve('a2'))).toBe('a2');
    expect(await cache.get('jobs', 'c', () => Promise.resolve('c2'))).toBe('c1');
  });
});

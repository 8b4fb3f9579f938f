export type ListingKind = 'jobs' | 'runs';

export interface ListingCache {
  /**
   * The answer to a listing: one stored for at most the kind's max age, or the one being
   * loaded for an earlier caller with the same key, or a new load. Failures are not kept.
   */
  get<T>(kind: ListingKind, key: string, load: () => Promise<T>): Promise<T>;
  /** Forgets the kind's answers; a load under way is not kept, and later callers load anew. */
  clear(kind: ListingKind): void;
}

interface Entry {
  answer: Promise<unknown>;
  /** When the load began; stored answers age from here, so none is older than it says. */
  at: number;
}

/**
 * Listings read every document of a collection on FerretDB's SQLite backend (only `_id`
 * lookups reach SQLite), so one page costs as much as the whole history. Identical
 * listings asked at about the same time (dashboards polling page one, many clients) are
 * answered by one query: job listings until any job changes (the job cache's change
 * broadcast clears them in every replica) or `maxAgeMs.jobs` passes; run listings, which
 * change with every fire, for `maxAgeMs.runs`. A max age of 0 turns the kind off.
 */
export function createListingCache(options: { maxAgeMs: Record<ListingKind, number>; maxEntries?: number; now?: () => number }): ListingCache {
  const now = options.now ?? Date.now;
  const maxEntries = options.maxEntries ?? 200;
  const entries: Record<ListingKind, Map<string, Entry>> = { jobs: new Map(), runs: new Map() };

  return {
    get<T>(kind: ListingKind, key: string, load: () => Promise<T>): Promise<T> {
      const maxAge = options.maxAgeMs[kind];
      if (maxAge <= 0) return load();
      const store = entries[kind];
      const found = store.get(key);
      if (found !== undefined && now() - found.at < maxAge) return found.answer as Promise<T>;
      const entry: Entry = { answer: load(), at: now() };
      store.delete(key);
      store.set(key, entry);
      if (store.size > maxEntries) store.delete(store.keys().next().value!);
      entry.answer.catch(() => {
        if (store.get(key) === entry) store.delete(key);
      });
      return entry.answer as Promise<T>;
    },
    clear(kind) {
      entries[kind].clear();
    },
  };
}

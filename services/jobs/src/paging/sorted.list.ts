/**
 * Items in listing order, each found by id: insert, replace and remove in O(log n) search
 * plus one array move, and a scan in order for filtering and paging.
 */
export interface SortedList<T> {
  readonly size: number;
  /** The items in order; read-only, valid until the next change. */
  items(): readonly T[];
  get(id: string): T | undefined;
  /** Puts `item` in its place (replacing the id's earlier item), or removes the id when null. */
  put(id: string, item: T | null): void;
  replaceAll(items: T[]): void;
}

export function createSortedList<T>(idOf: (item: T) => string, order: (a: T, b: T) => number): SortedList<T> {
  let sorted: T[] = [];
  let byId = new Map<string, T>();

  /** The first position whose item does not come before `item`. */
  function positionOf(item: T): number {
    let low = 0;
    let high = sorted.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (order(sorted[middle]!, item) < 0) low = middle + 1;
      else high = middle;
    }
    return low;
  }

  return {
    get size() {
      return sorted.length;
    },
    items: () => sorted,
    get: (id) => byId.get(id),
    put(id, item) {
      const old = byId.get(id);
      if (old !== undefined) {
        const at = positionOf(old);
        if (sorted[at] === old) sorted.splice(at, 1);
        byId.delete(id);
      }
      if (item === null) return;
      sorted.splice(positionOf(item), 0, item);
      byId.set(id, item);
    },
    replaceAll(items) {
      sorted = [...items].sort(order);
      byId = new Map(sorted.map((item) => [idOf(item), item]));
    },
  };
}

/** Newest first, then `_id` descending as strings: the order of the database listings. */
export function newestFirst(a: { createTime: Date; _id: string }, b: { createTime: Date; _id: string }): number {
  return b.createTime.getTime() - a.createTime.getTime() || (a._id < b._id ? 1 : a._id > b._id ? -1 : 0);
}

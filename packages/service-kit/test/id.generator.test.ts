import { describe, expect, it } from 'vitest';
import { createIdGenerator } from '../src/index.js';

describe('createIdGenerator', () => {
  it('makes unique, increasing decimal ids, even for many in one millisecond', () => {
    const ids = createIdGenerator('instance-a', () => 1_700_000_000_000);
    const made = Array.from({ length: 10_000 }, () => ids.next());
    expect(new Set(made).size).toBe(made.length);
    const asBig = made.map(BigInt);
    for (let i = 1; i < asBig.length; i += 1) expect(asBig[i]! > asBig[i - 1]!).toBe(true);
    expect(made[0]).toMatch(/^\d{15,19}$/);
  });

  it('keeps ids increasing when the clock steps back', () => {
    let now = 1_700_000_000_000;
    const ids = createIdGenerator('instance-b', () => now);
    const first = BigInt(ids.next());
    now -= 5000;
    expect(BigInt(ids.next()) > first).toBe(true);
  });
});

import { describe, expect, it } from 'vitest';
import { createLogger, createShutdownSequence } from '../src/index.js';

const logger = createLogger({ name: 'shutdown-test', level: 'silent' });

describe('createShutdownSequence', () => {
  it('runs the steps in the order they were added, each after the previous one finished', async () => {
    const order: string[] = [];
    const sequence = createShutdownSequence(logger);
    sequence.add('stop taking work', async () => {
      await new Promise((resolve) => setTimeout(resolve, 30));
      order.push('stop');
    });
    sequence.add('drain NATS', () => {
      order.push('drain');
    });
    sequence.add('close Mongo', async () => {
      order.push('close');
    });
    const result = await sequence.run(1000);
    expect(order).toEqual(['stop', 'drain', 'close']);
    expect(result).toEqual({ clean: true, failed: [] });
  });

  it('when a step hangs past the deadline, then it is reported and the later steps still run', async () => {
    const order: string[] = [];
    const sequence = createShutdownSequence(logger);
    sequence.add('hangs', () => new Promise(() => undefined));
    sequence.add('closes', () => {
      order.push('closes');
    });
    const started = Date.now();
    const result = await sequence.run(300);
    expect(Date.now() - started).toBeLessThan(1500);
    expect(order).toEqual(['closes']);
    expect(result).toEqual({ clean: false, failed: ['hangs'] });
  });

  it('when a step throws, then it is reported and the next step runs', async () => {
    const sequence = createShutdownSequence(logger);
    let ran = false;
    sequence.add('throws', () => {
      throw new Error('boom');
    });
    sequence.add('next', () => {
      ran = true;
    });
    expect(await sequence.run(500)).toEqual({ clean: false, failed: ['throws'] });
    expect(ran).toBe(true);
  });
});

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startNatsServer } from '@jobwire/devstack';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, testServers } from '../../../tests/harness/index.js';
import { batchSocketWrites, connectNats, createLogger, isNatsUp } from '../src/index.js';

const logger = createLogger({ name: 'nats-test', level: 'silent' });

describe('connectNats', () => {
  it('batches writes without reordering or losing messages', async () => {
    const nc = await connectNats({ url: testServers().natsUrl, name: 'order-test', logger });
    const subject = `order.${process.pid}.${Date.now()}`;
    const received: number[] = [];
    const sub = nc.subscribe(subject, { callback: (_err, msg) => void received.push(Number(msg.string())) });
    await nc.flush();
    for (let i = 0; i < 2000; i += 1) nc.publish(subject, String(i));
    await nc.flush();
    await eventually(() => (received.length === 2000 ? true : undefined), 5000, 'all messages');
    expect(received).toEqual(Array.from({ length: 2000 }, (_, i) => i));
    expect(batchSocketWrites(nc)).toBe(true);
    sub.unsubscribe();
    await nc.drain();
  });

  describe('when the broker restarts', () => {
    let dir: string;
    beforeAll(async () => {
      dir = await mkdtemp(join(tmpdir(), 'jobwire-nats-restart-'));
    });
    afterAll(async () => {
      await rm(dir, { recursive: true, force: true });
    });

    it('reconnects by itself, reports not ready meanwhile, and requests work again', async () => {
      let server = await startNatsServer({ storeDir: join(dir, 'a') });
      const port = server.port;
      const nc = await connectNats({ url: server.url, name: 'restart-test', logger });
      const responder = nc.subscribe('restart.echo', { callback: (_err, msg) => void msg.respond(msg.data) });
      await nc.flush();
      expect((await nc.request('restart.echo', 'one', { timeout: 1000 })).string()).toBe('one');

      await server.stop();
      await eventually(() => (isNatsUp(nc) ? undefined : true), 5000, 'readiness to drop');
      server = await startNatsServer({ port, storeDir: join(dir, 'b') });
      try {
        await eventually(() => (isNatsUp(nc) ? true : undefined), 10_000, 'the reconnect');
        const reply = await eventually(async () => {
          try {
            return (await nc.request('restart.echo', 'two', { timeout: 500 })).string();
          } catch {
            return undefined;
          }
        }, 5000, 'a request after the reconnect');
        expect(reply).toBe('two');
      } finally {
        responder.unsubscribe();
        await nc.close();
        await server.stop();
      }
    });
  });
});

/**
 * A revoked token stays revoked across a nats-server restart and across gateway
 * replicas restarting or joining: the `revoked` bucket is JetStream (file storage), and
 * each gateway loads it on start and keeps watching it through reconnects.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { diagEndpoints, kvBuckets, userRevocationKey } from '@jobwire/contracts';
import { freePort, startNatsServer, type RunningServer } from '@jobwire/devstack';
import { connectNats, createLogger, createServiceHost } from '@jobwire/service-kit';
import { Kvm } from '@nats-io/kv';
import type { NatsConnection } from '@nats-io/nats-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getJson, mintToken, startTestGateway, type RunningGateway } from '../../services/gateway/test/gateway.fixture.js';
import { eventually } from '../harness/index.js';

describe('revocations across restarts', () => {
  let dir: string;
  let port: number;
  let nats: RunningServer;
  let nc: NatsConnection;
  const gateways: RunningGateway[] = [];
  const logger = createLogger({ name: 'revocation-faults', level: 'silent' });
  const secured = (gateway: RunningGateway) => `${gateway.url}/api/diag/echo/auth?message=hello`;
  const codeFor = async (gateway: RunningGateway, token: string) => Number((await getJson(secured(gateway), { headers: { authorization: `Bearer ${token}` } })).body.code);
  const startNats = () => startNatsServer({ storeDir: join(dir, 'nats'), port });

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'jobwire-revocation-faults-'));
    port = await freePort();
    nats = await startNats();
    nc = await connectNats({ url: nats.url, name: 'revocation-faults', logger });
    const echo = createServiceHost(nc, { name: 'diag', version: '0.1.0', logger });
    await echo.endpoint(diagEndpoints.echo, (request) => Promise.resolve({ message: request.message ?? '', at: new Date().toISOString() }));
    gateways.push(await startTestGateway(nats.url), await startTestGateway(nats.url));
  });

  afterAll(async () => {
    for (const gateway of gateways) await gateway.stop().catch(() => undefined);
    await nc?.close();
    await nats?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('keeps refusing revoked tokens after nats-server restarts and gateways restart or join, and sees revocations made after', async () => {
    const loggedOut = mintToken({ sub: '2001' });
    const beforeChange = mintToken({ sub: '2002' });
    const valid = mintToken({ sub: '2003' });
    for (const gateway of gateways) {
      expect(await codeFor(gateway, loggedOut.token)).toBe(200);
      expect(await codeFor(gateway, beforeChange.token)).toBe(200);
    }
    const kv = await new Kvm(nc).open(kvBuckets.revoked.name);
    const now = Math.floor(Date.now() / 1000);
    await kv.put(loggedOut.jti, JSON.stringify({ exp: now + 600 }));
    // Tokens are minted with iat = now; the mark covers them from the next second.
    await kv.put(userRevocationKey('2002'), JSON.stringify({ before: now + 1, exp: now + 600 }));
    for (const gateway of gateways) {
      await eventually(async () => ((await codeFor(gateway, loggedOut.token)) === 401 ? true : undefined), 2000, 'the logged-out token to be refused');
      await eventually(async () => ((await codeFor(gateway, beforeChange.token)) === 401 ? true : undefined), 2000, 'the user-wide mark to be applied');
    }

    // nats-server goes down and comes back on the same port and store.
    await nats.stop();
    nats = await startNats();
    await eventually(async () => ((await codeFor(gateways[0]!, valid.token)) === 200 ? true : undefined), 15_000, 'the gateway to reconnect');
    // One replica restarts, a new one joins.
    await gateways[1]!.stop();
    gateways[1] = await startTestGateway(nats.url);
    gateways.push(await startTestGateway(nats.url));
    for (const gateway of gateways) {
      expect(await codeFor(gateway, loggedOut.token)).toBe(401);
      expect(await codeFor(gateway, beforeChange.token)).toBe(401);
      await eventually(async () => ((await codeFor(gateway, valid.token)) === 200 ? true : undefined), 5000, 'a valid token to pass');
    }

    // A revocation written after the restart reaches the replica that lived through it.
    const revokedLater = await new Kvm(nc).open(kvBuckets.revoked.name);
    await revokedLater.put(valid.jti, JSON.stringify({ exp: now + 600 }));
    for (const gateway of gateways) {
      await eventually(async () => ((await codeFor(gateway, valid.token)) === 401 ? true : undefined), 5000, 'the later revocation to be seen');
    }
  }, 90_000);
});

import { usersEndpoints } from '@jobwire/contracts';
import type { ServiceHost } from '@jobwire/service-kit';
import { createClient, deleteClient, listClients, verifyClient, type ClientsDeps } from './clients.service.js';

export async function registerClientsHandlers(host: ServiceHost, deps: ClientsDeps): Promise<void> {
  await host.endpoint(usersEndpoints.clientCreate, (request, ctx) => createClient(deps, ctx.userId, request));
  await host.endpoint(usersEndpoints.clientList, (_request, ctx) => listClients(deps, ctx.userId));
  await host.endpoint(usersEndpoints.clientVerify, (request) => verifyClient(deps, request));
  await host.endpoint(usersEndpoints.clientDelete, ({ clientId }, ctx) => deleteClient(deps, ctx.userId, clientId));
}

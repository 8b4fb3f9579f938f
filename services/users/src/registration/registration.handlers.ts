import { usersEndpoints } from '@jobwire/contracts';
import type { ServiceHost } from '@jobwire/service-kit';
import { changePasswords, type PasswordChangeDeps } from '../passwords/password-change.service.js';
import { register, registrationOf, resetPassword, sendCode, type RegistrationDeps } from './registration.service.js';

export async function registerRegistrationHandlers(host: ServiceHost, deps: RegistrationDeps, passwords: PasswordChangeDeps): Promise<void> {
  await host.endpoint(usersEndpoints.registrationOpen, async () => deps.open);
  await host.endpoint(usersEndpoints.registrationGet, ({ mobile }) => registrationOf(deps, mobile));
  await host.endpoint(usersEndpoints.smsSend, (request, ctx) => sendCode(deps, request, ctx));
  await host.endpoint(usersEndpoints.register, (request, ctx) => register(deps, request, ctx));
  await host.endpoint(usersEndpoints.passwordReset, (request, ctx) => resetPassword(deps, request, ctx));
  await host.endpoint(usersEndpoints.passwordChange, (request, ctx) => changePasswords(passwords, request, ctx));
}

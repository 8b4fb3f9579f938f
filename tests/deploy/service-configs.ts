/**
 * The five deployable services' config modules, as the deployment tests read them: the
 * variables each schema knows, and a loader answering what the manifests are checked
 * against (the shutdown deadline and the port the probes use).
 */
import { authConfigSchema, loadAuthConfig, shutdownDeadlineMs as authDeadline } from '../../services/auth/src/config.js';
import { executorConfigSchema, loadExecutorConfig, shutdownDeadlineMs as executorDeadline } from '../../services/executor/src/config.js';
import { gatewayConfigSchema, loadGatewayConfig, shutdownDeadlineMs as gatewayDeadline } from '../../services/gateway/src/config.js';
import { jobsConfigSchema, loadJobsConfig, shutdownDeadlineMs as jobsDeadline } from '../../services/jobs/src/config.js';
import { loadUsersConfig, shutdownDeadlineMs as usersDeadline, usersConfigSchema } from '../../services/users/src/config.js';

export interface LoadedService {
  deadlineMs: number;
  probePort: number;
}

export interface ServiceConfig {
  variables: ReadonlySet<string>;
  /** Loads the config as the service does (throws its ConfigError). */
  load(env: Record<string, string>): LoadedService;
}

export const SERVICE_CONFIGS: Readonly<Record<'gateway' | 'auth' | 'users' | 'jobs' | 'executor', ServiceConfig>> = {
  gateway: {
    variables: new Set(Object.keys(gatewayConfigSchema.shape)),
    load: (env) => {
      const config = loadGatewayConfig(env);
      return { deadlineMs: gatewayDeadline(config), probePort: config.PORT };
    },
  },
  auth: {
    variables: new Set(Object.keys(authConfigSchema.shape)),
    load: (env) => {
      const config = loadAuthConfig(env);
      return { deadlineMs: authDeadline(config), probePort: config.HEALTH_PORT };
    },
  },
  users: {
    variables: new Set(Object.keys(usersConfigSchema.shape)),
    load: (env) => {
      const config = loadUsersConfig(env);
      return { deadlineMs: usersDeadline(config), probePort: config.HEALTH_PORT };
    },
  },
  jobs: {
    variables: new Set(Object.keys(jobsConfigSchema.shape)),
    load: (env) => {
      const config = loadJobsConfig(env);
      return { deadlineMs: jobsDeadline(config), probePort: config.HEALTH_PORT };
    },
  },
  executor: {
    variables: new Set(Object.keys(executorConfigSchema.shape)),
    load: (env) => {
      const config = loadExecutorConfig(env);
      return { deadlineMs: executorDeadline(config), probePort: config.HEALTH_PORT };
    },
  },
};

/**
 * The whole platform as processes for a fault test: the jobs stack (its replicas and
 * executors), auth, users and a gateway process the test's clients call.
 */
import { startJobsStack, type JobsStack, type JobsStackOptions, type Replica } from '../jobs/jobs.fixture.js';

/**
 * A short lock lifetime and run lease, so work of a lost replica is taken over within a
 * test; a raised misfire threshold, so a fire made late by the fault still runs.
 */
export const FAULT_JOBS_ENV = { SCHEDULER_POLL_MS: '2000', SCHEDULER_LOCK_LIFETIME_MS: '5000', RUN_LEASE_MS: '3000', MISFIRE_THRESHOLD_MS: '20000' };

export interface Platform {
  stack: JobsStack;
  gateway: Replica;
  gatewayUrl: string;
  /** Every process: jobs replicas, executors, auth, users, gateway. */
  processes(): Replica[];
  stop(): Promise<void>;
}

export async function startPlatform(options: JobsStackOptions & { gatewayEnv?: Record<string, string> }): Promise<Platform> {
  const stack = await startJobsStack({ ...options, jobsEnv: { ...FAULT_JOBS_ENV, ...options.jobsEnv } });
  const others: Replica[] = [];
  try {
    others.push(await stack.startPlatformService('auth'), await stack.startPlatformService('users'));
    const gateway = await stack.startPlatformService('gateway', options.gatewayEnv);
    others.push(gateway);
    return {
      stack,
      gateway,
      gatewayUrl: `http://127.0.0.1:${gateway.healthPort}`,
      processes: () => [...stack.replicas, ...stack.executors, ...others],
      async stop() {
        await Promise.allSettled(others.map((replica) => replica.process.stop(10_000)));
        await stack.stop();
      },
    };
  } catch (error) {
    await Promise.allSettled(others.map((replica) => replica.process.stop(10_000)));
    await stack.stop();
    throw error;
  }
}

/** True when every process answers /readyz with 200. */
export async function allReady(processes: readonly Replica[]): Promise<boolean> {
  const states = await Promise.all(processes.map(async (replica) => (await fetch(`http://127.0.0.1:${replica.healthPort}/readyz`).catch(() => undefined))?.status));
  return states.every((status) => status === 200);
}

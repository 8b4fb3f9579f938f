import { describe, expect, it } from 'vitest';
import { loadJobsConfig } from '../src/config.js';

describe('jobs configuration', () => {
  it('has working defaults', () => {
    const config = loadJobsConfig({});
    expect(config).toMatchObject({ DEFAULT_TIMEZONE: 'Asia/Shanghai', SCHEDULER_POLL_MS: 5000, SCHEDULER_LOCK_LIFETIME_MS: 30_000, MISFIRE_THRESHOLD_MS: 5000, RUN_RETENTION_DAYS: 7, SCHEDULE_DB_SUFFIX: '_schedule' });
  });

  it('refuses an unknown time zone and a lock shorter than two polls, naming the variable', () => {
    expect(() => loadJobsConfig({ DEFAULT_TIMEZONE: 'Mars/Olympus' })).toThrow(/DEFAULT_TIMEZONE/);
    expect(() => loadJobsConfig({ SCHEDULER_POLL_MS: '5000', SCHEDULER_LOCK_LIFETIME_MS: '8000' })).toThrow(/SCHEDULER_LOCK_LIFETIME_MS: must be at least twice SCHEDULER_POLL_MS/);
    expect(loadJobsConfig({ SCHEDULER_POLL_MS: '1000', SCHEDULER_LOCK_LIFETIME_MS: '2000' }).SCHEDULER_LOCK_LIFETIME_MS).toBe(2000);
  });
});

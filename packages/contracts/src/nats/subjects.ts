/**
 * Every NATS subject of the platform. Services never write a subject literal:
 * they import it from here. Request/reply subjects are `<service>.<use-case>`.
 */
export const subjects = {
  auth: {
    captchaCreate: 'auth.captcha.create',
    captchaOpen: 'auth.captcha.open',
    smsSend: 'auth.sms.send',
    smsVerify: 'auth.sms.verify',
    loginPassword: 'auth.login.password',
    loginMobile: 'auth.login.mobile',
    loginWecom: 'auth.login.wecom',
    scanPoll: 'auth.login.scan.poll',
    scanConfirm: 'auth.login.scan.confirm',
    tokenRefresh: 'auth.token.refresh',
    logout: 'auth.logout',
    /** Internal (no route): the users service revokes a user's tokens when the password changes. */
    revokeUserTokens: 'auth.tokens.revoke-user',
    authorizeApply: 'auth.oauth.authorize',
    authenticationApply: 'auth.oauth.token',
    authenticationVerify: 'auth.oauth.verify',
    thirdPartyCode: 'auth.third-party.code',
    thirdPartyUserInfo: 'auth.third-party.user-info',
  },
  users: {
    currentUser: 'users.current.get',
    contextGet: 'users.context.get',
    contextDefault: 'users.context.default',
    registrationOpen: 'users.registration.open',
    registrationGet: 'users.registration.get',
    register: 'users.register',
    passwordReset: 'users.password.reset',
    passwordChange: 'users.password.change',
    unlock: 'users.unlock',
    credentialsVerify: 'users.credentials.verify',
    findByMobile: 'users.find.by-mobile',
    findByWecom: 'users.find.by-wecom',
    createForWecom: 'users.create.for-wecom',
    smsSend: 'users.sms.send',
    adminCreate: 'users.admin.create',
    adminList: 'users.admin.list',
    adminGet: 'users.admin.get',
    adminUpdate: 'users.admin.update',
    adminLock: 'users.admin.lock',
    adminDelete: 'users.admin.delete',
    clientDelete: 'users.clients.delete',
    getById: 'users.get',
    clientCreate: 'users.clients.create',
    clientList: 'users.clients.list',
    clientVerify: 'users.clients.verify',
  },
  jobs: {
    page: 'jobs.page',
    info: 'jobs.info',
    create: 'jobs.create',
    update: 'jobs.update',
    delete: 'jobs.delete',
    start: 'jobs.start',
    stop: 'jobs.stop',
    run: 'jobs.run',
    nextTriggerTime: 'jobs.cron.next',
    runPage: 'jobs.runs.page',
    runInfo: 'jobs.runs.info',
    runDelete: 'jobs.runs.delete',
    executors: 'jobs.executors.list',
  },
  /** A trivial endpoint for diagnostics and the gateway benchmark. */
  diag: {
    echo: 'diag.echo',
  },
} as const;

type Leaves<T> = T extends string ? T : { [K in keyof T]: Leaves<T[K]> }[keyof T];
export type Subject = Leaves<typeof subjects>;

/**
 * Each jobs replica answers on `jobs.runs.held.<instanceId>` which of the asked runs it
 * is still running: a replica that cannot renew its run leases (the database was away)
 * is not taken for a stopped one.
 */
export const RUNS_HELD_SUBJECT_PREFIX = 'jobs.runs.held.';
export function runsHeldSubject(instanceId: string): string {
  return `${RUNS_HELD_SUBJECT_PREFIX}${instanceId.replace(/[^A-Za-z0-9_-]/g, '_')}`;
}

/** Beats of the runs a jobs replica dispatched come to `jobs.beat.<instanceId>`. */
export function execBeatSubject(instanceId: string): string {
  return `jobs.beat.${instanceId.replace(/[^A-Za-z0-9_-]/g, '_')}`;
}

/** Every replica's beat subject, for watching executors from outside. */
export const EXEC_BEATS_ALL = 'jobs.beat.>';

/** Executors serve `jobs.exec.<handlerName>`, one queue group per handler. */
export const EXEC_SUBJECT_PREFIX = 'jobs.exec.';
export function execSubject(handlerName: string): string {
  return `${EXEC_SUBJECT_PREFIX}${handlerName}`;
}

/** The Services API name of each process kind (`$SRV` discovery). */
export const serviceNames = {
  auth: 'auth',
  users: 'users',
  jobs: 'jobs',
  executor: 'executor',
  diag: 'diag',
} as const;

/** Queue group shared by every replica of a service (queue names cannot contain dots). */
export function queueGroup(service: string): string {
  return `q_${service}`;
}

/** JetStream KV buckets owned by auth (DESIGN §4), with their TTLs. */
export const kvBuckets = {
  captcha: { name: 'captcha', ttlMs: 5 * 60_000 },
  otp: { name: 'otp', ttlMs: 5 * 60_000 },
  scan: { name: 'scan', ttlMs: 2 * 60_000 },
  /** TTL is the token lifetime; auth creates the bucket with the configured TOKEN_TTL_SECONDS. */
  revoked: { name: 'revoked', ttlMs: 7200_000 },
  authcode: { name: 'authcode', ttlMs: 5 * 60_000 },
  /** The gateway's rate-limit counters; it creates the bucket with twice its window as TTL. */
  rateLimits: { name: 'ratelimits', ttlMs: 2 * 60_000 },
} as const;

/** Fire-and-forget subjects every replica of a service hears (no queue group, no reply). */
export const broadcastSubjects = {
  /** A users replica wrote users: every replica drops its read cache. */
  usersCacheInvalidate: 'users.cache.invalidate',
  /** A jobs replica saved a schedule that is due soon: every scheduler looks now instead of at its next poll. */
  jobsScheduleWake: 'jobs.schedule.wake',
  /** A jobs replica changed or removed a job definition: every replica drops its copy. */
  jobsCacheInvalidate: 'jobs.cache.invalidate',
  /** A jobs replica wrote run records (RunsChangedSchema): every replica's run listings follow. */
  jobsRunsChanged: 'jobs.runs.changed',
} as const;

/** Queue group of the executors serving one handler (queue names cannot contain dots). */
export function execQueueGroup(handlerName: string): string {
  return `q_exec_${handlerName.replace(/[^A-Za-z0-9_-]/g, '_')}`;
}

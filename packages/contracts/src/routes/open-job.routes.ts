import { z } from 'zod';
import { authEndpoints } from '../endpoints/auth.endpoints.js';
import { jobsEndpoints } from '../endpoints/jobs.endpoints.js';
import { usersEndpoints } from '../endpoints/users.endpoints.js';
import { defineRoute, type RateLimitRule, type RouteDef } from '../http/route.js';
import {
  CaptchaBodySchema,
  CaptchaTypedBodySchema,
  CaptchaTypeParamsSchema,
  MobileLoginBodySchema,
  PasswordLoginBodySchema,
  RefreshQuerySchema,
  ScanConfirmBodySchema,
  ScanPollBodySchema,
} from '../schemas/auth.schema.js';
import { TrueSchema } from '../schemas/common.schema.js';
import {
  IdBodySchema,
  IdParamsSchema,
  IdsBodySchema,
  JobCreateBodySchema,
  JobPageQuerySchema,
  JobUpdateBodySchema,
  NextTriggerQuerySchema,
  RunPageQuerySchema,
} from '../schemas/jobs.schema.js';

const login = ['Open-Job: login'];
const jobs = ['Open-Job: jobs'];
const runs = ['Open-Job: runs'];
const family = 'openJob' as const;

/** Start, stop and run take `{id}` in the body or the id in the path. */
function jobAction(action: 'start' | 'stop' | 'run', summary: string): RouteDef[] {
  const endpoint = jobsEndpoints[action];
  return [
    defineRoute({ id: `openJob.${action}`, family, method: 'put', paths: [`/openJob/${action}`], summary, tags: jobs, auth: 'user', endpoint, body: IdBodySchema, data: TrueSchema }),
    defineRoute({ id: `openJob.${action}ById`, family, method: 'put', paths: [`/openJob/${action}/:id`], summary: `${summary} (id in the path)`, tags: jobs, auth: 'user', endpoint, params: IdParamsSchema, data: TrueSchema }),
  ];
}

/** An SMS captcha sends a text: it counts as SMS, per mobile; image and scan captchas per IP. */
const captchaLimit: RateLimitRule = { group: 'captcha', account: ['mobile'], when: { field: 'type', equals: 'sms', group: 'sms' } };

export const openJobRoutes: readonly RouteDef[] = [
  defineRoute({
    id: 'openJob.validateCode',
    family,
    method: 'post',
    paths: ['/validate/code'],
    summary: 'Get a captcha: image (PNG bytes), sms (code sent, data true) or scan (PNG QR code of a scan-login ticket)',
    tags: login,
    auth: 'none',
    endpoint: authEndpoints.captchaCreate,
    body: CaptchaBodySchema,
    reply: 'png',
    rateLimit: captchaLimit,
  }),
  defineRoute({
    id: 'openJob.validateCodeTyped',
    family,
    method: 'post',
    paths: ['/validate/code/:type'],
    summary: 'Get a captcha, the type in the path (as the Open-Job admin calls it)',
    tags: login,
    auth: 'none',
    endpoint: authEndpoints.captchaCreate,
    params: CaptchaTypeParamsSchema,
    body: CaptchaTypedBodySchema,
    reply: 'png',
    rateLimit: captchaLimit,
  }),
  defineRoute({ id: 'openJob.loginAccount', family, method: 'post', paths: ['/login/account'], summary: 'Log in with account, password and image captcha', tags: login, auth: 'none', endpoint: authEndpoints.loginPassword, body: PasswordLoginBodySchema, rateLimit: { group: 'login', account: ['username'] } }),
  defineRoute({ id: 'openJob.loginMobile', family, method: 'post', paths: ['/login/mobile'], summary: 'Log in with mobile number and SMS code', tags: login, auth: 'none', endpoint: authEndpoints.loginMobile, body: MobileLoginBodySchema, rateLimit: { group: 'login', account: ['mobile'] } }),
  defineRoute({ id: 'openJob.loginScan', family, method: 'post', paths: ['/login/scan'], summary: 'Poll a scan-to-login ticket; the token comes once confirmed', tags: login, auth: 'none', endpoint: authEndpoints.scanPoll, body: ScanPollBodySchema }),
  defineRoute({ id: 'openJob.loginScanConfirm', family, method: 'post', paths: ['/login/scan/confirm'], summary: 'Confirm a scan-to-login ticket as the logged-in user', tags: login, auth: 'user', endpoint: authEndpoints.scanConfirm, body: ScanConfirmBodySchema }),
  defineRoute({ id: 'openJob.refreshToken', family, method: 'get', paths: ['/login/refreshToken'], summary: 'Trade a refresh token (single use) for new tokens', tags: login, auth: 'none', endpoint: authEndpoints.tokenRefresh, query: RefreshQuerySchema }),
  defineRoute({
    id: 'openJob.outLogin',
    family,
    method: 'get',
    paths: ['/login/outLogin'],
    summary: 'Log out: the token is revoked everywhere',
    tags: login,
    auth: 'user',
    endpoint: authEndpoints.logout,
    query: z.object({}),
    tokenQuery: ['accessToken', 'access_token'],
  }),
  defineRoute({ id: 'openJob.currentUser', family, method: 'get', paths: ['/openJobUser/currentUser'], summary: 'The logged-in user', tags: login, auth: 'user', endpoint: usersEndpoints.currentUser }),

  defineRoute({ id: 'openJob.page', family, method: 'get', paths: ['/openJob/page'], summary: 'List jobs, filtered and paged', tags: jobs, auth: 'user', endpoint: jobsEndpoints.page, query: JobPageQuerySchema }),
  defineRoute({ id: 'openJob.info', family, method: 'get', paths: ['/openJob/info/:id'], summary: 'One job', tags: jobs, auth: 'user', endpoint: jobsEndpoints.info, params: IdParamsSchema }),
  defineRoute({
    id: 'openJob.save',
    family,
    method: 'post',
    paths: ['/openJob/save'],
    summary: 'Create a job; the new id is in the Location header',
    tags: jobs,
    auth: 'user',
    endpoint: jobsEndpoints.create,
    body: JobCreateBodySchema,
    data: TrueSchema,
  }),
  defineRoute({ id: 'openJob.update', family, method: 'put', paths: ['/openJob/update'], summary: 'Change a job', tags: jobs, auth: 'user', endpoint: jobsEndpoints.update, body: JobUpdateBodySchema }),
  defineRoute({ id: 'openJob.deleteById', family, method: 'put', paths: ['/openJob/delete/:id'], summary: 'Delete a job', tags: jobs, auth: 'user', endpoint: jobsEndpoints.delete, params: IdParamsSchema }),
  defineRoute({ id: 'openJob.deleteByIdDelete', family, method: 'delete', paths: ['/openJob/delete/:id'], summary: 'Delete a job', tags: jobs, auth: 'user', endpoint: jobsEndpoints.delete, params: IdParamsSchema }),
  defineRoute({ id: 'openJob.deleteBatch', family, method: 'delete', paths: ['/openJob/delete'], summary: 'Delete several jobs, all or nothing', tags: jobs, auth: 'user', endpoint: jobsEndpoints.delete, body: IdsBodySchema }),
  ...jobAction('start', 'Start a job: it fires on its schedule'),
  ...jobAction('stop', 'Stop a job'),
  ...jobAction('run', 'Run a job once now'),
  defineRoute({
    id: 'openJob.nextTriggerTime',
    family,
    method: 'get',
    paths: ['/openJob/nextTriggerTime'],
    summary: 'The next fire times of a cron expression',
    tags: jobs,
    auth: 'user',
    endpoint: jobsEndpoints.nextTriggerTime,
    query: NextTriggerQuerySchema,
  }),
  defineRoute({ id: 'openJob.executors', family, method: 'get', paths: ['/openJob/executors'], summary: 'Executor instances online and their handlers', tags: jobs, auth: 'user', endpoint: jobsEndpoints.executors }),

  defineRoute({ id: 'openJobLog.page', family, method: 'get', paths: ['/openJobLog/page'], summary: 'List runs, filtered and paged', tags: runs, auth: 'user', endpoint: jobsEndpoints.runPage, query: RunPageQuerySchema }),
  defineRoute({ id: 'openJobLog.info', family, method: 'get', paths: ['/openJobLog/info/:id'], summary: 'One run', tags: runs, auth: 'user', endpoint: jobsEndpoints.runInfo, params: IdParamsSchema }),
  defineRoute({ id: 'openJobLog.delete', family, method: 'delete', paths: ['/openJobLog/delete'], summary: 'Delete runs', tags: runs, auth: 'user', endpoint: jobsEndpoints.runDelete, body: IdsBodySchema }),
];

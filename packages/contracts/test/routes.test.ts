import { describe, expect, it } from 'vitest';
import { authEndpoints, buildOpenApiDocument, diagEndpoints, jobsEndpoints, routes, subjects, toOpenApiPath, usersEndpoints, type EndpointDef } from '../src/index.js';

const groups: Array<Record<string, EndpointDef>> = [authEndpoints, usersEndpoints, jobsEndpoints, diagEndpoints];
const endpoints: EndpointDef[] = groups.flatMap((group) => Object.values(group));
const allSubjects = Object.values(subjects).flatMap((group) => Object.values(group));

/** Every row of the agreed HTTP API (DESIGN §3.1 and §3.2). */
const REQUIRED: Array<[string, string]> = [
  ['post', '/validate/code'],
  ['post', '/validate/code/:type'],
  ['post', '/login/account'],
  ['post', '/login/mobile'],
  ['post', '/login/scan'],
  ['post', '/login/scan/confirm'],
  ['get', '/login/refreshToken'],
  ['get', '/login/outLogin'],
  ['get', '/openJobUser/currentUser'],
  ['get', '/openJob/page'],
  ['get', '/openJob/info/:id'],
  ['post', '/openJob/save'],
  ['put', '/openJob/update'],
  ['put', '/openJob/delete/:id'],
  ['delete', '/openJob/delete/:id'],
  ['delete', '/openJob/delete'],
  ['put', '/openJob/start'],
  ['put', '/openJob/start/:id'],
  ['put', '/openJob/stop'],
  ['put', '/openJob/stop/:id'],
  ['put', '/openJob/run'],
  ['put', '/openJob/run/:id'],
  ['get', '/openJob/nextTriggerTime'],
  ['get', '/openJobLog/page'],
  ['delete', '/openJobLog/delete'],
  ['get', '/openJobLog/info/:id'],
  ['get', '/openJob/executors'],
  ['post', '/ibps/oauth2/v3/user/context'],
  ['post', '/ibps/oauth2/v3/user/context/default'],
  ['post', '/ibps/oauth2/v3/user/login'],
  ['post', '/ibps/oauth2/v3/user/login/apply'],
  ['post', '/ibps/oauth2/v3/user/login/wecom'],
  ['post', '/ibps/oauth2/v3/user/logout'],
  ['post', '/ibps/oauth2/v3/user/unlock'],
  ['get', '/ibps/oauth2/v3/user/open'],
  ['get', '/ibps/oauth2/v3/user/register/get'],
  ['post', '/ibps/oauth2/v3/user/register'],
  ['post', '/ibps/oauth2/v3/user/reset/passwd'],
  ['get', '/ibps/oauth2/v3/user/send/sms'],
  ['post', '/ibps/oauth2/v3/user/change/passwd'],
  ['get', '/ibps/oauth2/v3/captcha/open'],
  ['get', '/ibps/oauth2/v3/user/captcha'],
  ['post', '/ibps/oauth2/v3/user/authorize'],
  ['post', '/ibps/oauth2/v3/authorize/apply'],
  ['post', '/ibps/oauth2/v3/authentication/apply'],
  ['post', '/ibps/oauth2/v3/authentication/verify'],
  ['post', '/ibps/oauth2/v3/user/getUserInfo'],
];

describe('subjects and endpoints', () => {
  it('gives every subject exactly one endpoint', () => {
    const used = endpoints.map((e) => e.subject).sort();
    expect(used).toEqual([...allSubjects].sort());
  });

  it('uses <service>.<use-case> subjects', () => {
    for (const subject of allSubjects) expect(subject).toMatch(/^(auth|users|jobs|diag)\.[a-z-]+(\.[a-z-]+)*$/);
  });
});

describe('routes', () => {
  const pairs = routes.flatMap((r) => r.paths.map((p) => `${r.method} ${p}`));

  it('serves every method and path of the agreed API', () => {
    const missing = REQUIRED.map(([m, p]) => `${m} ${p}`).filter((key) => !pairs.includes(key));
    expect(missing).toEqual([]);
  });

  it('has unique ids and no method and path twice', () => {
    expect(new Set(routes.map((r) => r.id)).size).toBe(routes.length);
    expect(new Set(pairs).size).toBe(pairs.length);
  });

  it('sends every route to an endpoint whose subject exists', () => {
    for (const route of routes) expect(allSubjects).toContain(route.endpoint.subject);
  });

  it('declares a params schema exactly when the path has parameters', () => {
    for (const route of routes) {
      const hasParams = route.paths.some((p) => p.includes(':'));
      expect(route.params !== undefined, route.id).toBe(hasParams);
    }
  });

  it('keeps every family under its own prefix', () => {
    for (const route of routes) {
      for (const path of route.paths) {
        if (route.family === 'ibps') expect(path.startsWith('/ibps/oauth2/v3/')).toBe(true);
        if (route.family === 'admin') expect(path.startsWith('/api/')).toBe(true);
        if (route.family === 'openJob') expect(path.startsWith('/ibps/') || path.startsWith('/api/')).toBe(false);
      }
    }
  });
});

describe('OpenAPI document', () => {
  const document = buildOpenApiDocument();

  it('is OpenAPI 3.1 with a path and operation for every route', () => {
    expect(document.openapi).toBe('3.1.0');
    for (const route of routes) {
      for (const path of route.paths) {
        const item = document.paths?.[toOpenApiPath(path)] as Record<string, unknown> | undefined;
        expect(item?.[route.method], `${route.method} ${path}`).toBeDefined();
      }
    }
  });

  it('marks token routes with the bearer scheme and documents the body fields', () => {
    const save = document.paths?.['/openJob/save']?.post;
    expect(save?.security).toEqual([{ bearerAuth: [] }]);
    const body = JSON.stringify(save?.requestBody);
    for (const field of ['jobName', 'handlerName', 'cronExpression']) expect(body).toContain(field);
    expect(document.paths?.['/login/account']?.post?.security).toBeUndefined();
  });
});

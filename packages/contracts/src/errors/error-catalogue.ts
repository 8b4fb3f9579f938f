/**
 * The one error catalogue. Every failure a client can see has a stable key here,
 * mapped to the Open-Job `code`, the IBPS `state`, the HTTP status used when the
 * status mirrors the error (admin API, HTTP_STATUS_MODE=mirror) and a default message.
 */
export interface ErrorEntry {
  readonly openJobCode: number;
  readonly ibpsState: number;
  readonly httpStatus: number;
  readonly message: string;
}

function entry(openJobCode: number, ibpsState: number, httpStatus: number, message: string): ErrorEntry {
  return { openJobCode, ibpsState, httpStatus, message };
}

export const errorCatalogue = {
  // request shape
  VALIDATION_FAILED: entry(400, 400, 400, 'The request is invalid.'),
  MALFORMED_JSON: entry(400, 400, 400, 'The request body is not valid JSON.'),
  PAYLOAD_TOO_LARGE: entry(400, 400, 413, 'The request body is too large.'),
  HEADERS_TOO_LARGE: entry(400, 400, 431, 'The request headers are too large.'),
  UNSUPPORTED_MEDIA_TYPE: entry(400, 400, 415, 'The request body must be JSON.'),
  ROUTE_NOT_FOUND: entry(404, 404, 404, 'No such route; see /docs for the API.'),
  METHOD_NOT_ALLOWED: entry(405, 405, 405, 'This route does not accept that method.'),
  NOT_FOUND: entry(404, 404, 404, 'The requested record was not found.'),
  CONFLICT: entry(409, 409, 409, 'The request conflicts with the current state.'),
  RATE_LIMITED: entry(429, 429, 429, 'Too many requests; retry later.'),
  FEATURE_DISABLED: entry(403, 501, 403, 'This feature is not enabled.'),

  // tokens and permissions
  AUTH_TOKEN_MISSING: entry(401, 6020201, 401, 'Log in first: no access token was sent.'),
  AUTH_TOKEN_INVALID: entry(401, 6020201, 401, 'The access token is invalid; log in again.'),
  AUTH_TOKEN_EXPIRED: entry(401, 6020301, 401, 'The access token has expired; refresh it or log in again.'),
  AUTH_TOKEN_REVOKED: entry(401, 6020201, 401, 'The access token was revoked; log in again.'),
  AUTH_OTHER_CLIENT: entry(401, 6020102, 401, 'The account logged in on another client; log in again.'),
  FORBIDDEN: entry(403, 403, 403, 'You are not allowed to do this.'),

  // logins and codes
  AUTH_CAPTCHA_INVALID: entry(1006, 2, 400, 'The captcha is wrong or has expired; request a new one.'),
  AUTH_CAPTCHA_DISABLED: entry(403, 501, 403, 'Captchas are turned off.'),
  AUTH_SMS_CODE_INVALID: entry(1001, 2, 400, 'The SMS code is wrong or has expired; request a new one.'),
  AUTH_SMS_THROTTLED: entry(429, 429, 429, 'An SMS code was sent recently; retry later.'),
  AUTH_BAD_CREDENTIALS: entry(1005, 2, 401, 'Wrong username or password.'),
  AUTH_ACCOUNT_LOCKED: entry(1007, 2, 423, 'The account is locked after too many failed logins; retry later or ask an administrator to unlock it.'),
  AUTH_ACCOUNT_DISABLED: entry(1003, 2, 403, 'The account is disabled.'),
  AUTH_REFRESH_INVALID: entry(1004, 6020201, 401, 'The refresh token is invalid or already used; log in again.'),
  AUTH_WECOM_FAILED: entry(1002, 2, 401, 'WeCom login failed: the code is invalid or expired; start the WeCom login again.'),
  AUTH_WECOM_UNKNOWN_USER: entry(1000, 2, 403, 'This WeCom user has no account here; ask an administrator.'),
  AUTH_CLIENT_INVALID: entry(401, 401, 401, 'Unknown client or wrong client secret.'),
  AUTH_CODE_INVALID: entry(400, 2, 400, 'The authorization code is invalid, used or expired.'),

  // users
  USERS_MOBILE_TAKEN: entry(409, 409, 409, 'This mobile number is already registered.'),
  USERS_ACCOUNT_TAKEN: entry(409, 409, 409, 'This account name is already taken.'),
  USERS_REGISTRATION_CLOSED: entry(403, 501, 403, 'Registration is closed.'),
  USERS_PASSWORD_MISMATCH: entry(400, 2, 400, 'The new password and its repetition differ.'),
  USERS_PASSWORD_WEAK: entry(400, 2, 400, 'The password does not meet the password policy.'),
  USERS_NOT_FOUND: entry(404, 404, 404, 'No such user.'),
  USERS_TENANT_FORBIDDEN: entry(403, 403, 403, 'The user does not belong to that tenant.'),

  // jobs
  JOBS_NOT_FOUND: entry(404, 404, 404, 'No such job.'),
  JOBS_RUN_NOT_FOUND: entry(404, 404, 404, 'No such run.'),
  JOBS_CRON_INVALID: entry(400, 400, 400, 'The cron expression is invalid.'),
  JOBS_TIMEZONE_INVALID: entry(400, 400, 400, 'Unknown time zone.'),

  // platform
  INTERNAL: entry(500, 500, 500, 'Something went wrong on our side; it has been logged.'),
  SERVICE_UNAVAILABLE: entry(503, 500, 503, 'The service is not available right now; retry shortly.'),
  UPSTREAM_TIMEOUT: entry(504, 500, 504, 'The service did not answer in time; retry shortly.'),
} as const satisfies Record<string, ErrorEntry>;

export type ErrorKey = keyof typeof errorCatalogue;

export const errorKeys = Object.keys(errorCatalogue) as ErrorKey[];

export function isErrorKey(value: unknown): value is ErrorKey {
  return typeof value === 'string' && Object.hasOwn(errorCatalogue, value);
}

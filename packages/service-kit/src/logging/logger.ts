import { pino, type Logger, type LevelWithSilent } from 'pino';

export type { Logger } from 'pino';

/** Fields that never reach a log line, wherever they appear one or two levels deep. */
const SECRET_FIELDS = [
  'password',
  'passWd',
  'passwd',
  'newPassword',
  'primitivePassword',
  'repeatPassword',
  'passwordHash',
  'token',
  'accessToken',
  'access_token',
  'refreshToken',
  'refresh_token',
  'client_secret',
  'secret',
  'captcha',
  'validCode',
  'code',
  'authorization',
  'cookie',
];

const REDACT_PATHS = [
  ...SECRET_FIELDS,
  ...SECRET_FIELDS.map((f) => `*.${f}`),
  'req.headers.authorization',
  'req.headers["x-authorization-access_token"]',
];

export function createLogger(options: { name: string; level: LevelWithSilent; base?: Record<string, unknown> }): Logger {
  return pino({
    name: options.name,
    level: options.level,
    base: { service: options.name, ...options.base },
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    timestamp: pino.stdTimeFunctions.isoTime,
  });
}

/** A child logger that stamps every line with the request id. */
export function requestLogger(logger: Logger, requestId: string, userId?: string): Logger {
  return logger.child(userId === undefined ? { requestId } : { requestId, userId });
}

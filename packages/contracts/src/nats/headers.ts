/** Headers every NATS message may carry (DESIGN §4). */
export const natsHeaders = {
  requestId: 'x-request-id',
  userId: 'x-user-id',
  tenantId: 'x-tenant-id',
  tokenId: 'x-token-id',
  tokenExpiresAt: 'x-token-exp',
  clientIp: 'x-client-ip',
  /** Set when the token was issued to a third-party client (client credentials). */
  oauthClientId: 'x-oauth-client-id',
  /** The catalogue key of an error reply, beside the Services API error headers. */
  errorKey: 'jobwire-error-key',
} as const;

/** The Services API's own error headers. */
export const serviceErrorHeaders = {
  code: 'Nats-Service-Error-Code',
  description: 'Nats-Service-Error',
} as const;

/** The NATS request timeout the gateway uses unless configured otherwise. */
export const DEFAULT_REQUEST_TIMEOUT_MS = 5000;

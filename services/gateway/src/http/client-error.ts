import type { Duplex } from 'node:stream';
import { errorCatalogue, failureEnvelope } from '@jobwire/contracts';
import { familyForPath } from './route-family.js';

/** Node's own answers to requests it cannot parse, by error code (as its default handler). */
const STATUS_LINES: Record<string, string> = {
  HPE_CHUNK_EXTENSIONS_OVERFLOW: '413 Payload Too Large',
  ERR_HTTP_REQUEST_TIMEOUT: '408 Request Timeout',
};

/** The path of the request line at the start of what the client sent, if it is there. */
function requestPath(rawPacket: unknown): string {
  if (!Buffer.isBuffer(rawPacket)) return '/';
  const line = rawPacket.subarray(0, 8192).toString('latin1').split('\r\n', 1)[0] ?? '';
  return /^[A-Z]+ (\/[^ ?]*)/.exec(line)?.[1] ?? '/';
}

/**
 * Node answers requests it cannot parse before Express sees them. Headers over Node's
 * limit get the 431 in the envelope of the family the request line's path belongs to,
 * instead of a bare status line; other parse errors get the status lines Node's default
 * handler sends.
 */
export function answerClientError(error: NodeJS.ErrnoException, socket: Duplex): void {
  const answering = (socket as { _httpMessage?: { headersSent?: boolean } })._httpMessage;
  if (!socket.writable || answering?.headersSent === true) {
    socket.destroy();
    return;
  }
  if (error.code !== 'HPE_HEADER_OVERFLOW') {
    socket.end(`HTTP/1.1 ${STATUS_LINES[error.code ?? ''] ?? '400 Bad Request'}\r\nConnection: close\r\n\r\n`);
    return;
  }
  const entry = errorCatalogue.HEADERS_TOO_LARGE;
  const path = requestPath((error as { rawPacket?: unknown }).rawPacket);
  const body = JSON.stringify(failureEnvelope(familyForPath(path), { key: 'HEADERS_TOO_LARGE', message: entry.message, request: path }));
  socket.end(
    `HTTP/1.1 ${entry.httpStatus} Request Header Fields Too Large\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}

import { randomBytes } from 'node:crypto';
import { AppError, type TokenPair } from '@jobwire/contracts';
import type { KV } from '@nats-io/kv';
import QRCode from 'qrcode';
import { z } from 'zod';
import { kvKey } from '../kv/single-use.store.js';
import type { TokenIssuer } from '../tokens/token.issuer.js';

const TicketSchema = z.object({
  deviceId: z.string(),
  state: z.enum(['waiting', 'scanned', 'confirmed']),
  tokens: z.object({ accessToken: z.string(), expiredTime: z.string(), refreshToken: z.string() }).optional(),
});
const DeviceSchema = z.object({ ticket: z.string() });

export interface ScanDeps {
  /** The `scan` bucket: entries live 2 minutes. */
  kv: KV;
  tokens: TokenIssuer;
}

/** What the QR code carries: the scheme tells a scanning app what it is looking at. */
export const SCAN_PAYLOAD_PREFIX = 'jobwire-scan:';

const ticketKey = (ticket: string) => kvKey('ticket', ticket);
export const deviceKey = (deviceId: string) => kvKey('device', deviceId);

/** A new one-time ticket for a device, as a PNG QR code; it replaces the device's previous one. */
export async function createScanTicket(deps: ScanDeps, deviceId: string): Promise<{ png: string }> {
  const ticket = randomBytes(18).toString('base64url');
  await deps.kv.put(ticketKey(ticket), JSON.stringify({ deviceId, state: 'waiting' }));
  await deps.kv.put(deviceKey(deviceId), JSON.stringify({ ticket }));
  const png = await QRCode.toBuffer(`${SCAN_PAYLOAD_PREFIX}${ticket}`, { type: 'png', width: 200, margin: 2, errorCorrectionLevel: 'M' });
  return { png: png.toString('base64') };
}

/**
 * A logged-in phone scans a ticket (`confirm: false`: the desk shows "scanned") and then
 * confirms it: the ticket is bound to that user's new tokens, once.
 */
export async function confirmScanTicket(deps: ScanDeps, ticket: string, user: { userId: string; tenant: string | null }, confirm: boolean): Promise<true> {
  const entry = await deps.kv.get(ticketKey(ticket));
  const parsed = entry !== null && entry.operation === 'PUT' ? TicketSchema.safeParse(entry.json()) : undefined;
  if (entry === null || parsed?.success !== true || parsed.data.state === 'confirmed') {
    throw new AppError('AUTH_CODE_INVALID', 'The scan ticket is invalid, used or expired; scan a new code.');
  }
  if (!confirm) {
    try {
      await deps.kv.update(ticketKey(ticket), JSON.stringify({ deviceId: parsed.data.deviceId, state: 'scanned' }), entry.revision);
    } catch {
      throw new AppError('AUTH_CODE_INVALID', 'The scan ticket is invalid, used or expired; scan a new code.');
    }
    return true;
  }
  const issued = await deps.tokens.issue(user);
  const pair = { accessToken: issued.accessToken, expiredTime: issued.expiredTime, refreshToken: issued.refreshToken };
  try {
    await deps.kv.update(ticketKey(ticket), JSON.stringify({ deviceId: parsed.data.deviceId, state: 'confirmed', tokens: pair }), entry.revision);
  } catch {
    throw new AppError('AUTH_CODE_INVALID', 'The scan ticket is invalid, used or expired; scan a new code.');
  }
  return true;
}

/** The device polls: waiting, expired, or confirmed with the tokens, which it receives once. */
export async function pollScanTicket(deps: ScanDeps, deviceId: string): Promise<{ status: 'waiting' | 'scanned' | 'confirmed' | 'expired' } & Partial<TokenPair>> {
  const device = await deps.kv.get(deviceKey(deviceId));
  const link = device !== null && device.operation === 'PUT' ? DeviceSchema.safeParse(device.json()) : undefined;
  if (link?.success !== true) return { status: 'expired' };
  const entry = await deps.kv.get(ticketKey(link.data.ticket));
  const ticket = entry !== null && entry.operation === 'PUT' ? TicketSchema.safeParse(entry.json()) : undefined;
  if (entry === null || ticket?.success !== true || ticket.data.deviceId !== deviceId) return { status: 'expired' };
  if (ticket.data.state !== 'confirmed' || ticket.data.tokens === undefined) return { status: ticket.data.state === 'scanned' ? 'scanned' : 'waiting' };
  try {
    await deps.kv.delete(ticketKey(link.data.ticket), { previousSeq: entry.revision });
  } catch {
    return { status: 'expired' }; // another poll took the tokens
  }
  await deps.kv.delete(deviceKey(deviceId));
  return { status: 'confirmed', ...ticket.data.tokens };
}

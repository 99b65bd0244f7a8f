import { isIP, type Socket } from 'node:net';

/**
 * The client's IP address, or null when what Fastify derived is no address.
 * With TRUST_PROXY on, `request.ip` comes from X-Forwarded-For, which a
 * client may fill with anything; only an address is counted or recorded
 * (docs/audit.md#unauthenticated-requests).
 */
export function clientAddressOf(request: { ip?: string; socket: Socket }): string | null {
  const address = request.ip ?? request.socket.remoteAddress;
  return address !== undefined && isIP(address) !== 0 ? address : null;
}

import { decodeJwt } from 'jose';
import type { Authenticator } from '../auth/authenticator.js';

/** Close codes of an open GraphQL WebSocket whose credentials stopped being valid (decision 0054). */
export const WS_CREDENTIALS_EXPIRED = { code: 4401, reason: 'credentials expired: reconnect with a new token' } as const;
export const WS_CREDENTIALS_REVOKED = {
  code: 4403,
  reason: 'credentials revoked or no longer valid: reconnect with valid credentials',
} as const;

/** The part of a `ws` WebSocket the watch needs. */
export interface ClosableSocket {
  close(code: number, reason: string): void;
  once(event: 'close', listener: () => void): unknown;
}

/** Largest delay setTimeout accepts (about 24.8 days); longer expiries are caught by the periodic re-check. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * Keeps an authenticated WebSocket honest for as long as it is open: a token is closed at its
 * `exp` (4401), and every `recheckMs` the credentials are authenticated again exactly as at
 * connection time, so a revoked API key, a removed OIDC signing key or a rotated local issuer
 * closes the connection (4403) within `recheckMs`. Closing the socket ends its subscriptions.
 */
export function watchCredentials(
  socket: ClosableSocket,
  header: unknown,
  authenticator: Authenticator,
  recheckMs: number,
  now: () => number = Date.now,
): void {
  let closed = false;
  const timers: NodeJS.Timeout[] = [];
  const close = (why: { code: number; reason: string }): void => {
    if (closed) return;
    stop();
    socket.close(why.code, why.reason);
  };
  const stop = (): void => {
    closed = true;
    for (const t of timers) clearTimeout(t);
  };
  socket.once('close', stop);

  const exp = expiryOf(header);
  if (exp !== undefined) {
    const delay = exp * 1000 - now();
    if (delay <= 0) return close(WS_CREDENTIALS_EXPIRED);
    if (delay < MAX_TIMER_MS) timers.push(setTimeout(() => close(WS_CREDENTIALS_EXPIRED), delay).unref());
  }
  let checking = false;
  const recheck = setInterval(() => {
    if (checking || closed) return;
    checking = true;
    authenticator
      .fromHeader(header)
      .then(
        () => undefined,
        () => close(exp !== undefined && exp * 1000 <= now() ? WS_CREDENTIALS_EXPIRED : WS_CREDENTIALS_REVOKED),
      )
      .finally(() => {
        checking = false;
      });
  }, recheckMs).unref();
  timers.push(recheck);
}

/** `exp` (seconds) of a bearer JWT; undefined for an API key or anything without one. Only called once the credentials were verified. */
function expiryOf(header: unknown): number | undefined {
  if (typeof header !== 'string') return undefined;
  const token = /^Bearer\s+(\S+)\s*$/i.exec(header.trim())?.[1];
  if (!token || token.startsWith('qlk_')) return undefined;
  try {
    const exp = decodeJwt(token).exp;
    return typeof exp === 'number' ? exp : undefined;
  } catch {
    return undefined;
  }
}

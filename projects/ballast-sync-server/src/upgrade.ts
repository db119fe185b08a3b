import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { AuthenticationRequest } from './sync-server-options.js';

/** Answers an upgrade request with a plain HTTP status and closes the socket (no WebSocket). */
export function refuseUpgrade(socket: Duplex, status: 401 | 404 | 503, text: string): void {
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  const body = `${text}\n`;
  socket.once('finish', () => socket.destroy());
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_TEXT[status]}\r\nConnection: close\r\n` +
      `Content-Type: text/plain; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
}

const STATUS_TEXT = { 401: 'Unauthorized', 404: 'Not Found', 503: 'Service Unavailable' } as const;

/** The path and `token` query parameter of an upgrade request (undefined path when unreadable). */
export function readUpgradeUrl(request: IncomingMessage): { path?: string; token?: string } {
  try {
    const url = new URL(request.url ?? '/', 'http://localhost');
    return { path: url.pathname, token: url.searchParams.get('token') ?? undefined };
  } catch {
    return {};
  }
}

/**
 * Runs `authenticate` within a time limit: resolves the principal, or `undefined` when it refused
 * (a falsy-ish result, a throw, or no answer in time). Without `authenticate`, everyone is in.
 */
export async function authenticateWithin<P>(
  authenticate: ((request: AuthenticationRequest) => unknown) | undefined,
  request: AuthenticationRequest,
  timeoutMs: number,
  onError: (error: unknown) => void,
): Promise<{ principal: P } | undefined> {
  if (!authenticate) return { principal: undefined as P };
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<undefined>(
    (resolve) => (timer = setTimeout(() => resolve(undefined), timeoutMs)),
  );
  try {
    const principal = await Promise.race([
      Promise.resolve().then(() => authenticate(request)),
      timeout,
    ]);
    if (principal === undefined || principal === null || principal === false) return undefined;
    return { principal: principal as P };
  } catch (error) {
    onError(error);
    return undefined;
  } finally {
    clearTimeout(timer);
  }
}

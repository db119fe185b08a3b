/** Why a connection attempt failed, or a connection was lost (internal). */
export interface Loss {
  readonly code?: number;
  readonly reason?: string;
  /** The error seen on the socket, or why the attempt failed before there was one. */
  readonly error?: unknown;
  /** The server did not welcome the client within `connectTimeoutMs`. */
  readonly timedOut?: boolean;
  /** A welcomed connection did not answer a ping within `liveness.timeoutMs` (that many ms). */
  readonly unanswered?: number;
  /** Why the attempt failed before a socket was created (a token problem). */
  readonly problem?: string;
}

/** What happened, as a sentence of an error message (internal). */
export function describeLoss(
  url: string,
  loss: Loss,
  status: number | undefined,
  socketError: unknown,
  wasReady: boolean,
): string {
  if (status === 401) {
    return `the sync server at ${url} refused the token (HTTP 401): give a valid token (options.token).`;
  }
  if (loss.problem !== undefined)
    return `could not connect to the sync server at ${url}: ${loss.problem}.`;
  if (loss.timedOut) return `the sync server at ${url} did not welcome this client in time.`;
  if (loss.unanswered !== undefined)
    return (
      `the connection to the sync server at ${url} was taken for dead: nothing came back within ` +
      `${loss.unanswered} ms of a ping (liveness.timeoutMs).`
    );
  if (loss.error !== undefined) {
    return `could not connect to the sync server at ${url} (${messageOf(loss.error)}).`;
  }
  const why = `close code ${loss.code ?? 'none'}${loss.reason ? `: ${loss.reason}` : ''}`;
  if (loss.code === 1009)
    return `the sync server at ${url} closed the socket: a frame was too large (${why}).`;
  if (loss.code === 1008)
    return `the sync server at ${url} closed the socket for repeated bad frames (${why}).`;
  if (wasReady) return `the connection to the sync server at ${url} was lost (${why}).`;
  const detail = socketError === undefined ? '' : `, ${messageOf(socketError)}`;
  return `could not connect to the sync server at ${url} (${why}${detail}).`;
}

/** The HTTP status of a refused upgrade, when the WebSocket tells it (`ws` does, browsers do not). */
export function httpStatus(error: unknown): number | undefined {
  const match = /Unexpected server response: (\d{3})/.exec(messageOf(error));
  return match ? Number(match[1]) : undefined;
}

function messageOf(error: unknown): string {
  if (error === undefined || error === null) return 'no details';
  const e = error as { message?: unknown; error?: { message?: unknown } };
  if (typeof e.message === 'string' && e.message !== '') return e.message;
  if (typeof e.error?.message === 'string') return e.error.message;
  return String((error as { type?: unknown }).type ?? error);
}

/** Why calling the token function failed (internal). */
export function tokenProblem(error: unknown): string {
  return `the token function failed (${messageOf(error)}); it is called again on the next attempt`;
}

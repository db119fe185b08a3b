import { ɵballastError as ballastError } from 'ballast-sync/core';

/** The URL to open (internal): `base` (a path resolved against the page), ws(s) scheme, `?token=`. */
export function socketUrl(base: string, token: string | undefined): string {
  let url: URL;
  if (base.startsWith('/')) {
    const page = (globalThis as { location?: { href?: string } }).location?.href;
    if (!page) {
      throw ballastError(
        `WebSocketSyncTransport: url "${base}" is a path, and there is no page to resolve it against ` +
          '(outside a browser): give an absolute ws:// or wss:// URL.',
      );
    }
    url = new URL(base, page);
  } else {
    url = new URL(base);
  }
  if (url.protocol === 'http:') url.protocol = 'ws:';
  if (url.protocol === 'https:') url.protocol = 'wss:';
  if (token) url.searchParams.set('token', token);
  return url.toString();
}
